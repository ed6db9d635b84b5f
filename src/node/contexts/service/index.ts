import { readBackup, type RestoreOutcome } from '../backup.ts';
import { createContext, type CreateOptions } from './create.ts';
import { forgottenContexts } from './forgotten.ts';
import type { ContextServiceDeps } from './deps.ts';
import { contextHandle, type ContextHandle } from './handle.ts';
import { joining } from './joining.ts';
import { contextKeys } from './keys.ts';
import { contextReads } from './reads.ts';
import { contextRegistry } from './registry.ts';

export { ContextNotFoundError, type ContextServiceDeps, type ContextSummary, type InvitePreview } from './deps.ts';
export type { ContextHandle } from './handle.ts';
export type { CreateOptions } from './create.ts';
export type { DeviceInContext, Holding } from './reads.ts';

/**
 * Every context of this profile: create, join by link, act, and observe. Per-context
 * actions and reads go through a handle: `contexts.open(id).write(call)`.
 */
export function contextService(d: ContextServiceDeps) {
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());
  const registry = contextRegistry(d, changed);
  const join = joining(d, registry, changed);
  const reads = contextReads(d, registry);
  const keys = contextKeys(d, registry);
  const forgotten = forgottenContexts(d.store);

  return {
    /** The handle of context `id` (hex): its actions and reads. Opening happens on first use. */
    open(id: string): ContextHandle {
      return contextHandle(id, registry, d);
    },

    /** Start every context held here; resolves once each is open or shows its opening view (a long history loads on). At start-up, once signed in. */
    async startAll(): Promise<void> {
      await Promise.all((await d.store.contexts()).map((c) => registry.started(c.id)));
    },

    create(name: string, options: CreateOptions = {}): Promise<string> {
      return createContext(d, registry, changed, name, options);
    },

    previewInvite: join.previewInvite,

    /** Join through an invite link (one forgotten here comes back: the person asked for it). */
    async join(link: string): Promise<string> {
      const id = await join.join(link);
      await forgotten.remove(id);
      return id;
    },

    rejoin: join.rejoin,
    /** Contexts forgotten here, which the directory leaves alone. */
    forgotten: forgotten.list,

    /**
     * Take a context back from a backup file (docs/backup.md): every op goes through the gate
     * as if a peer sent it. A context new here comes back as a device of a member root
     * (`rejoin`); a root that is not a member is told so, as on any login.
     */
    async restore(text: string): Promise<RestoreOutcome> {
      const { backup, ops, undecodable } = readBackup(text);
      await forgotten.remove(backup.context);
      await join.rejoin({ id: backup.context, name: backup.name, secret: backup.secret, signaling: backup.signaling });
      const result = await (await registry.start(backup.context)).sync.publish(ops);
      changed();
      // Ops kept but refused by the rules (a Set: a restore may hold 200,000 ops).
      const accepted = new Set(result.accepted.map((c) => c.key));
      const refusedByRules = result.added.filter((c) => !accepted.has(c.key)).length;
      return { id: backup.context, name: backup.name, added: result.accepted.length, refused: undecodable + result.rejected.length + refusedByRules };
    },

    list: reads.list,
    openViews: reads.openViews,
    openAlertsViews: reads.openAlertsViews,
    devicesOf: reads.devicesOf,
    holdings: reads.holdings,

    revokeKey: keys.revokeKey,
    staleness: keys.staleness,

    /**
     * This device's key or delegation changed (rotation, renewal): reopen every context so
     * it signs with the new one, announcing it with an `add-device` op where needed.
     */
    reannounce: registry.reannounce,

    /**
     * Forget a context on this device: stop syncing it and delete its history, snapshot,
     * refusals and private storage here. Other members keep theirs; an invite or a backup
     * brings it back, the directory does not (it would at once: other devices of the root
     * still name it).
     */
    async forget(id: string): Promise<void> {
      await forgotten.add(id);
      await registry.stop(id);
      await d.store.deleteContext(id);
      changed();
    },

    onChange(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    closeAll: registry.closeAll,
  };
}

export type ContextService = ReturnType<typeof contextService>;
