/*
 * What an Ethereum wallet double does with its real key beyond personal_sign, shared by the
 * injected (EIP-1193) and WalletConnect doubles, in Node and in a browser page alike:
 * - `eth_signTypedData_v4`: viem `signTypedData` over the JSON the dapp sent, after checking
 *   the address and, like MetaMask, that the domain's chain is the wallet's current one;
 * - `eth_sendTransaction`: viem fills nonce, gas and fees from the chain's RPC, signs the
 *   transaction with the key and sends it with `eth_sendRawTransaction`; the answer is the
 *   real transaction hash.
 * Answers are plain data ({ result } or { error: { code, message } }): they cross a
 * Playwright binding or a WalletConnect response unchanged.
 */
import { createWalletClient, defineChain, http, isAddress, isHex } from 'viem';
import type { LocalAccount } from 'viem';

type Hex = `0x${string}`;

export type SigningAnswer = { result: string } | { error: { code: number; message: string } };

const fail = (code: number, message: string): SigningAnswer => ({ error: { code, message } });

/** `eth_signTypedData_v4` params: [address, JSON string] (an object is accepted too, as wallets do). */
export async function signTypedDataV4(account: LocalAccount, chainId: number, params: unknown, wallet: string): Promise<SigningAnswer> {
  const [address, data] = Array.isArray(params) ? (params as unknown[]) : [];
  if (typeof address !== 'string' || address.toLowerCase() !== account.address.toLowerCase()) {
    return fail(4100, `${wallet}: ${String(address)} is not this wallet's account`);
  }
  let typedData: { domain?: { chainId?: unknown }; types?: unknown; primaryType?: unknown; message?: unknown };
  try {
    typedData = typeof data === 'string' ? JSON.parse(data) : (data as typeof typedData);
  } catch {
    return fail(-32602, `${wallet}: eth_signTypedData_v4 wants the typed data as a JSON string`);
  }
  if (!typedData || typeof typedData !== 'object' || typeof typedData.primaryType !== 'string' || !typedData.types || !typedData.message) {
    return fail(-32602, `${wallet}: eth_signTypedData_v4 wants { domain, types, primaryType, message }`);
  }
  const domainChain = typedData.domain?.chainId;
  if (domainChain !== undefined && Number(domainChain) !== chainId) {
    return fail(-32603, `${wallet}: Provided chainId "${String(domainChain)}" must match the active chainId "${chainId}"`);
  }
  const signature = await account.signTypedData(typedData as Parameters<LocalAccount['signTypedData']>[0]);
  return { result: signature };
}

/** The one transaction object of `eth_sendTransaction`, checked. */
export interface TransactionAsked {
  to?: Hex;
  data?: Hex;
  value?: bigint;
  chainId?: number;
}

export function parseTransaction(account: LocalAccount, params: unknown, wallet: string): TransactionAsked | SigningAnswer {
  const [tx] = Array.isArray(params) ? (params as unknown[]) : [];
  if (!tx || typeof tx !== 'object') return fail(-32602, `${wallet}: eth_sendTransaction wants [transaction]`);
  const { from, to, data, input, value, chainId } = tx as Record<string, unknown>;
  if (typeof from !== 'string' || from.toLowerCase() !== account.address.toLowerCase()) {
    return fail(4100, `${wallet}: ${String(from)} is not this wallet's account`);
  }
  if (to !== undefined && (typeof to !== 'string' || !isAddress(to, { strict: false }))) return fail(-32602, `${wallet}: bad "to" ${String(to)}`);
  const bytes = data ?? input;
  if (bytes !== undefined && (typeof bytes !== 'string' || !isHex(bytes))) return fail(-32602, `${wallet}: "data" must be 0x-hex`);
  if (value !== undefined && (typeof value !== 'string' || !isHex(value))) return fail(-32602, `${wallet}: "value" must be a 0x-hex quantity`);
  if (chainId !== undefined && (typeof chainId !== 'string' || !isHex(chainId))) return fail(-32602, `${wallet}: "chainId" must be a 0x-hex quantity`);
  return {
    to: to as Hex | undefined,
    data: bytes as Hex | undefined,
    value: value === undefined ? undefined : BigInt(value),
    chainId: chainId === undefined ? undefined : Number(BigInt(chainId)),
  };
}

/** Signs `tx` with the key (nonce, gas and fees from `rpcUrl`) and sends it raw; the hash. */
export async function signAndSend(account: LocalAccount, chainId: number, rpcUrl: string, tx: TransactionAsked): Promise<Hex> {
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  // viem checks eth_chainId against `chain` first: an RPC of another chain is refused.
  const client = createWalletClient({ account, chain, transport: http(rpcUrl, { retryCount: 0 }) });
  return client.sendTransaction({ to: tx.to, data: tx.data, value: tx.value });
}

export function isAnswer(value: TransactionAsked | SigningAnswer): value is SigningAnswer {
  return 'error' in value || 'result' in value;
}
