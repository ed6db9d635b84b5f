import { deviceBoxKey } from '../../boxKey.ts';
import type { SyncEvent } from '../../../core/sync/contextSync.ts';
import { openContext, type RunningContext } from '../openContext.ts';
import { anchorRegistry } from './anchoring.ts';
import { ContextNotFoundError, type ContextServiceDeps } from './deps.ts';
import { sealedPrivateStorage } from './privateStorage.ts';

/**
 * The running contexts of this profile: each opened once, on first use, and closed on
 * forget, sign-out or re-announce. Their anchoring lives and dies with them.
 */
export function contextRegistry(d: ContextServiceDeps, changed: () => void) {
  const running = new Map<string, Promise<RunningContext>>();
  const anchoring = anchorRegistry(d, changed);

  async function start(id: string): Promise<RunningContext> {
    let ctx = running.get(id);
    if (ctx) return ctx;
    // Registered before any await, so one context is opened once, and `reannounce` (which
    // writes records, then clears this map) never races a start that read an older record.
    ctx = (async () => {
      const record = (await d.store.contexts()).find((c) => c.id === id);
      if (!record) throw new ContextNotFoundError(id);
      let opened: RunningContext | undefined;
      opened = await openContext({
        record,
        store: d.store,
        identity: await d.identity.signing(),
        mesh: d.mesh,
        settings: await d.settings(),
        scheduler: d.scheduler,
        now: d.now,
        randomBytes: d.randomBytes,
        onChange: () => {
          anchoring.contextChanged(id, opened);
          changed();
        },
        proofs: d.proofs,
        ...(d.observeSync ? { observeSync: (event: SyncEvent) => d.observeSync!(id, event) } : {}),
        appFor: d.appFor,
        privateStorage: sealedPrivateStorage(d.store, d.vault),
        boxKey: () => deviceBoxKey(d.store),
        vault: d.vault,
      });
      anchoring.close(id);
      void anchoring.attach(id, opened);
      return opened;
    })();
    running.set(id, ctx);
    ctx.catch(() => running.delete(id));
    return ctx;
  }

  /**
   * This device's key or delegation changed (rotation, renewal): reopen every context so
   * it signs with the new one, announcing it with an `add-device` op where the root is a member.
   */
  async function reannounceNow(): Promise<void> {
    const root = (await d.store.root())?.id;
    for (const record of await d.store.contexts()) {
      const open = await running.get(record.id)?.catch(() => undefined);
      const member = open ? Boolean(root && open.replica.governance().members.has(root)) : true;
      if (!record.invite && member) await d.store.putContext({ ...record, rejoin: true });
    }
    const old = [...running.values()];
    running.clear();
    for (const ctx of old) (await ctx.catch(() => undefined))?.close();
    anchoring.closeAll();
    await Promise.all((await d.store.contexts()).map((c) => start(c.id)));
    changed();
  }
  let reannouncing: Promise<unknown> = Promise.resolve();

  return {
    /** The running context `id`, opened now if it is not running yet. */
    start,
    anchoring,
    /** The context `id` if it is running (or opening), without opening it. */
    running(id: string): Promise<RunningContext> | undefined {
      return running.get(id);
    },
    /** Every running (or opening) context, by id. */
    all(): [string, Promise<RunningContext>][] {
      return [...running];
    },
    /** The running contexts, live: one started meanwhile is visited too. */
    values(): IterableIterator<Promise<RunningContext>> {
      return running.values();
    },
    reannounce(): Promise<void> {
      // One at a time: the tab that rotated and the store follower may both ask.
      const next = reannouncing.then(() => reannounceNow());
      reannouncing = next.catch(() => undefined);
      return next;
    },
    /** Stop running `id` (and its anchoring), without touching what is stored. */
    async stop(id: string): Promise<void> {
      const open = running.get(id);
      running.delete(id);
      // Waits for the context's writes under way: a forget deletes after the last of them.
      await (await open?.catch(() => undefined))?.close();
      anchoring.close(id);
    },
    async closeAll(): Promise<void> {
      for (const ctx of running.values()) (await ctx).close();
      running.clear();
      anchoring.closeAll();
    },
  };
}

export type ContextRegistry = ReturnType<typeof contextRegistry>;
