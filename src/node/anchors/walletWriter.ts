import type { AnchorBinding, AnchorWriter } from '../../core/anchor/AnchorChain.ts';
import type { WalletAccount } from '../../wallets/connector.ts';
import type { NodeSettings } from '../settings.ts';

/** The wallet that signs for a registry must be an Ethereum account. */
export class AnchorWalletError extends Error {
  override readonly name = 'AnchorWalletError';
}

export interface WriterOptions {
  /**
   * The wallet only signs (EIP-712, `eth_signTypedData_v4`) and `relay` sends the registry's
   * `…BySig` call and pays (the site's dev relayer: chainPreset.ts `relayThroughSite`).
   */
  relay?: (data: `0x${string}`) => Promise<`0x${string}`>;
}

/**
 * A writer whose wallet sends each registry transaction itself (`eth_sendTransaction`: the
 * wallet pays, msg.sender is the admin). Receipts are read through the chain RPC in
 * Settings, not the wallet. The registry adapter and viem load here, on first use.
 */
export async function walletAnchorWriter(wallet: WalletAccount, binding: AnchorBinding, settings: NodeSettings, options: WriterOptions = {}): Promise<AnchorWriter> {
  if (wallet.kind !== 'ethereum') throw new AnchorWalletError('anchoring transactions come from an Ethereum wallet; a Starknet account cannot sign for an EVM registry (docs/decisions/starknet-anchoring.md)');
  const [{ encodeMutation }, { registryClient }, { waitForConfirmation, DEFAULT_RECEIPT_TIMEOUT_MS }] = await Promise.all([
    import('../../adapters/chain/registry/calldata.ts'),
    import('../../adapters/chain/registry/rpc.ts'),
    import('../../adapters/chain/registry/receipts.ts'),
  ]);
  const rpc = { rpcUrl: settings.chain.rpcUrl, chainId: binding.chainId, registry: binding.registry };
  if (options.relay) return relayedWriter(wallet, rpc, options.relay);
  const connect = registryClient(rpc);
  const chain = { chainName: `Chain ${binding.chainId}`, rpcUrls: [settings.chain.rpcUrl], nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 } };
  return {
    from: wallet.address.toLowerCase() as `0x${string}`,
    async submit(context, owner, mutation) {
      const data = await encodeMutation(context, owner, mutation);
      const txHash = await wallet.sendTransaction({ to: binding.registry, data, chainId: binding.chainId }, chain);
      return { txHash };
    },
    async wait(tx, confirmations = 1) {
      return waitForConfirmation(await connect(), tx, confirmations, DEFAULT_RECEIPT_TIMEOUT_MS);
    },
  };
}

async function relayedWriter(
  wallet: Extract<WalletAccount, { kind: 'ethereum' }>,
  chain: { rpcUrl: string; chainId: number; registry: `0x${string}` },
  relay: (data: `0x${string}`) => Promise<`0x${string}`>,
): Promise<AnchorWriter> {
  const [{ relayedAnchorWriter }, { registryClient }] = await Promise.all([import('../../adapters/chain/registry/relayedAnchorWriter.ts'), import('../../adapters/chain/registry/rpc.ts')]);
  const connect = registryClient(chain);
  const signer = wallet.address.toLowerCase() as `0x${string}`;
  return relayedAnchorWriter({
    signer,
    chain,
    signTypedData: (typedData) => wallet.signTypedData(typedData as unknown as Parameters<typeof wallet.signTypedData>[0]),
    // An EIP-1193 face on the relayer: it checks the chain through the RPC, and hands the
    // signed call over (the relayer pays from its own account; `from` is not used).
    relayer: {
      from: signer,
      async request({ method, params }) {
        if (method === 'eth_chainId') return `0x${(await (await connect()).client.getChainId()).toString(16)}`;
        if (method === 'eth_sendTransaction') return relay((params as [{ data: `0x${string}` }])[0].data);
        throw new Error(`the relayer does not answer ${method}`);
      },
    },
  });
}
