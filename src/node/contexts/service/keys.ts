import type { OpOutcome } from '../view.ts';
import type { ContextServiceDeps } from './deps.ts';
import type { ContextRegistry } from './registry.ts';

/** This device's keys across every context: publishing a revocation, and noticing a new key. */
export function contextKeys(d: ContextServiceDeps, registry: ContextRegistry) {
  return {
    /**
     * Publish a root's revocation (canonical bytes) in every context where this root is a
     * member and the key is not revoked yet — also where the key was never seen, so it
     * cannot come in later. Contexts still joining get it once they settle (they publish
     * the stored revocations of their root). Returns the outcome per context id.
     */
    async revokeKey(revocation: Uint8Array, clientKeyHex: string): Promise<Map<string, OpOutcome>> {
      const root = (await d.store.root())?.id;
      const outcomes = new Map<string, OpOutcome>();
      for (const record of await d.store.contexts()) {
        const ctx = await registry.start(record.id);
        const g = ctx.replica.governance();
        if (!root || !g.members.has(root) || g.revokedKeys.has(clientKeyHex) || ctx.view().joining) continue;
        outcomes.set(record.id, await ctx.revokeKey(revocation));
      }
      return outcomes;
    },

    /**
     * How the open contexts differ from who signs now: `root` (another identity: reopen),
     * `key` (another device key or delegation: re-announce), or `none`.
     */
    async staleness(now: { root: string; key: string; expiry: number }): Promise<'none' | 'key' | 'root'> {
      let result: 'none' | 'key' = 'none';
      for (const ctx of registry.values()) {
        const open = await ctx.catch(() => undefined);
        if (!open) continue;
        if (open.signingAs.root !== now.root) return 'root';
        if (open.signingAs.key !== now.key || open.signingAs.expiry !== now.expiry) result = 'key';
      }
      return result;
    },
  };
}
