import type { AnchorBinding, AnchorWriter } from '../../core/anchor/AnchorChain.ts';
import type { WalletAccount } from '../../wallets/connector.ts';
import type { NodeSettings } from '../settings.ts';

/** The wallet that signs for a registry must be an Ethereum account. */
export class AnchorWalletError extends Error {
  override readonly name = 'AnchorWalletError';
}

/**
 * A writer whose wallet sends each registry transaction itself (`eth_sendTransaction`: the
 * wallet pays, msg.sender is the admin). Receipts are read through the chain RPC in
 * Settings, not the wallet. The registry adapter and viem load here, on first use.
 */
export async function walletAnchorWriter(wallet: WalletAccount, binding: AnchorBinding, settings: NodeSettings): Promise<AnchorWriter> {
  if (wallet.kind !== 'ethereum') throw new AnchorWalletError('anchoring transactions come from an Ethereum wallet; a Starknet account cannot sign for an EVM registry (docs/decisions/starknet-anchoring.md)');
  const [{ encodeMutation }, { registryClient }, { waitForConfirmation, DEFAULT_RECEIPT_TIMEOUT_MS }] = await Promise.all([
    import('../../adapters/chain/registry/calldata.ts'),
    import('../../adapters/chain/registry/rpc.ts'),
    import('../../adapters/chain/registry/receipts.ts'),
  ]);
  const connect = registryClient({ rpcUrl: settings.chain.rpcUrl, chainId: binding.chainId, registry: binding.registry });
  const chain = { chainName: `Chain ${binding.chainId}`, rpcUrls: [settings.chain.rpcUrl], nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 } };
  return {
    from: wallet.address.toLowerCase() as `0x${string}`,
    async submit(context, owner, mutation) {
      const data = await encodeMutation(context, owner, mutation);
      const txHash = await wallet.sendTransaction({ to: binding.registry, data, chainId: binding.chainId }, chain);
      return { txHash };
    },
    async wait(tx, confirmations = 0) {
      // viem counts the including block as the first confirmation.
      return waitForConfirmation(await connect(), tx, confirmations + 1, DEFAULT_RECEIPT_TIMEOUT_MS);
    },
  };
}
