import type { AnchorBinding, AnchorChain } from '../../core/anchor/AnchorChain.ts';
import type { NodeSettings } from '../settings.ts';
import type { ChainAccess } from './contextAnchors.ts';

/**
 * The chain a binding names, read through the RPC in Settings when it serves that chain and
 * registry; otherwise why not. One reader per (RPC, chain, registry), made on first use: the
 * chain adapter and viem load only then.
 */
export function chainAccess(settings: () => Promise<NodeSettings>) {
  const readers = new Map<string, Promise<AnchorChain>>();
  return async function chainFor(binding: AnchorBinding): Promise<ChainAccess> {
    const { chain } = await settings();
    if (!chain.rpcUrl) return { problem: 'no-rpc', message: `no anchoring chain is set: add an RPC for chain ${binding.chainId} in Settings to read this context's anchors` };
    if (chain.chainId !== binding.chainId || chain.registry.toLowerCase() !== binding.registry.toLowerCase()) {
      return {
        problem: 'other-chain',
        message: `this context is anchored to registry ${binding.registry} on chain ${binding.chainId}; Settings name registry ${chain.registry || '(none)'} on chain ${chain.chainId}`,
      };
    }
    const key = `${chain.rpcUrl}\n${chain.chainId}\n${chain.registry}`;
    let reader = readers.get(key);
    if (!reader) {
      reader = import('../../adapters/chain/registry/viemAnchorChain.ts').then(({ viemAnchorChain }) =>
        viemAnchorChain({ rpcUrl: chain.rpcUrl, chainId: chain.chainId, registry: binding.registry }),
      );
      readers.set(key, reader);
      reader.catch(() => readers.delete(key));
    }
    try {
      return { chain: await reader, confirmations: chain.confirmations };
    } catch (e) {
      return { problem: 'unreachable', message: (e as Error).message };
    }
  };
}
