import type { Address } from '../../../core/anchor/AnchorChain.ts';
import type { EthereumWalletAccount } from '../../../wallets/connector.ts';
import { startHardhatNode, type HardhatNode } from '../hardhatNode.ts';
import { deployRegistry } from './deploy.ts';
import type { Eip1193Request } from './eip1193AnchorWriter.ts';

/*
 * For tests and the bench: a real Hardhat node with the registry deployed, and an EIP-1193
 * `request` straight over its HTTP JSON-RPC (its accounts are unlocked, so it behaves like a
 * wallet that approves everything).
 */

/** A JSON-RPC error as a wallet raises it: `code`, `message`, and `data` (revert data for a revert). */
export class JsonRpcError extends Error {
  override readonly name = 'JsonRpcError';
  constructor(
    readonly code: number,
    message: string,
    readonly data: unknown,
  ) {
    super(message);
  }
}

export function httpEip1193(url: string): Eip1193Request {
  let id = 0;
  return async ({ method, params }) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params: params ?? [] }),
    });
    const body = (await response.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
    if (body.error) throw new JsonRpcError(body.error.code, body.error.message, body.error.data);
    return body.result;
  };
}

export interface RegistryNode {
  node: HardhatNode;
  url: string;
  chainId: number;
  registry: Address;
  deployGas: bigint;
  /** The node's 20 funded, unlocked accounts, lowercase. */
  accounts: Address[];
  request: Eip1193Request;
  stop(): Promise<void>;
}

export async function startRegistryNode(): Promise<RegistryNode> {
  const node = await startHardhatNode();
  try {
    const { address, chainId, gasUsed } = await deployRegistry({ rpcUrl: node.url });
    const request = httpEip1193(node.url);
    const accounts = ((await request({ method: 'eth_accounts' })) as string[]).map((a) => a.toLowerCase() as Address);
    return { node, url: node.url, chainId, registry: address, deployGas: gasUsed, accounts, request, stop: () => node.stop() };
  } catch (e) {
    await node.stop();
    throw e;
  }
}

/**
 * A wallet account for tests and the bench: a fresh (or given) real key on `chain`, funded
 * with 10 ETH from the node's first account, sending its own transactions through viem.
 */
export async function fundedTestWallet(chain: RegistryNode, privateKey?: `0x${string}`): Promise<EthereumWalletAccount & { privateKey: `0x${string}` }> {
  const [{ createPublicClient, createWalletClient, http, parseEther }, { generatePrivateKey, privateKeyToAccount }] = await Promise.all([import('viem'), import('viem/accounts')]);
  const key = privateKey ?? generatePrivateKey();
  const account = privateKeyToAccount(key);
  const funding = (await chain.request({ method: 'eth_sendTransaction', params: [{ from: chain.accounts[0], to: account.address, value: `0x${parseEther('10').toString(16)}` }] })) as `0x${string}`;
  await createPublicClient({ transport: http(chain.url) }).waitForTransactionReceipt({ hash: funding, pollingInterval: 50 });
  const devChain = { id: chain.chainId, name: 'dev', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [chain.url] } } };
  const sender = createWalletClient({ account, chain: devChain, transport: http(chain.url) });
  return {
    kind: 'ethereum',
    address: account.address,
    chainId: chain.chainId,
    privateKey: key,
    signMessage: ({ message }) => account.signMessage({ message }),
    signTypedData: (data) => account.signTypedData(data as never),
    sendTransaction: (tx) => sender.sendTransaction({ to: tx.to, data: tx.data, value: tx.value ?? 0n }),
  };
}
