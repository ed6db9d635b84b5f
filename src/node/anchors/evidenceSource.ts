import type { AnchorBinding, Hash32, RegistryEvent } from '../../core/anchor/AnchorChain.ts';
import type { AnchorEventSource } from '../../core/identity/index.ts';
import type { ChainAccess } from './contextAnchors.ts';

/** Events found are kept (a confirmed event does not change); misses are asked again. */
export const EVIDENCE_CACHE_ENTRIES = 1000;

/**
 * Where core checks the chain evidence of an imported revocation: the binding's registry,
 * through the RPC in Settings. Without one the evidence is unverifiable (core refuses it and
 * says why). Found events are cached, so reopening a context does not ask the chain again.
 */
export function evidenceSource(chainFor: (binding: AnchorBinding) => Promise<ChainAccess>): AnchorEventSource {
  const found = new Map<string, RegistryEvent>();
  return {
    async eventAt(binding: AnchorBinding, context: Hash32, txHash: Hash32, logIndex: number) {
      const key = `${binding.chainId}/${binding.registry}/${binding.owner}/${context}/${txHash}/${logIndex}`.toLowerCase();
      const hit = found.get(key);
      if (hit) return hit;
      const access = await chainFor(binding);
      if (!('chain' in access)) throw new Error(access.message);
      const event = await access.chain.eventAt(context, binding.owner, txHash, logIndex);
      if (event) {
        found.set(key, event);
        if (found.size > EVIDENCE_CACHE_ENTRIES) found.delete(found.keys().next().value!);
      }
      return event;
    },
  };
}
