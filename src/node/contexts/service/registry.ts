import { deviceBoxKey } from '../../boxKey.ts';
import type { SyncEvent } from '../../../core/sync/contextSync.ts';
import { openContext, type RunningContext } from '../openContext.ts';
import { anchorRegistry } from './anchoring.ts';
import { ContextNotFoundError, type ContextServiceDeps } from './deps.ts';
import { sealedPrivateStorage } from './privateStorage.ts';
import type { ContextView } from '../view.ts';
import { fullView } from './views.ts';

/**
 * The running contexts of this profile: each opened once, on first use, and closed on
 * forget, sign-out or re-announce. Their anchoring lives and dies with them.
 */
export function contextRegistry(d: ContextServiceDeps, changed: () => void) {
  const running = new Map<string, Promise<RunningContext>>();
  // Contexts still opening a long history: their view before the open resolves (`viewNow`).
  // `shown`: the opening view is up (the start's load goes on).
  const previews = new Map<string, { view: Promise<(() => ContextView) | undefined>; shown: boolean }>();
  const anchoring = anchorRegistry(d, changed);

  async function start(id: string): Promise<RunningContext> {
    let ctx = running.get(id);
    if (ctx) return ctx;
    // Registered before any await, so one context is opened once, and `reannounce` (which
    // writes records, then clears this map) never races a start that read an older record.
    let showPreview!: (view: (() => ContextView) | undefined) => void;
    const preview = new Promise<(() => ContextView) | undefined>((resolve) => (showPreview = resolve));
    const entry = { view: preview, shown: false };
    previews.set(id, entry);
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
        onOpening: (view) => {
          entry.shown = true;
          showPreview(view);
          changed();
        },
      });
      anchoring.close(id);
      void anchoring.attach(id, opened);
      return opened;
    })();
    running.set(id, ctx);
    ctx.catch(() => running.delete(id));
    const opened = () => {
      showPreview(undefined);
      // Only this start's entries: a later start of the same id (a re-announce) keeps its own.
      if (previews.get(id) !== entry) return;
      previews.delete(id);
      if (entry.shown) {
        // Readers that left it out while it opened (the directory's holdings) read it again.
        changed();
      }
    };
    ctx.then(opened, opened);
    return ctx;
  }

  /** The view of a running (or opening) context: its opening view while a long history loads. */
  async function viewOf(id: string, ctx: Promise<RunningContext>): Promise<ContextView> {
    const early = await Promise.race([previews.get(id)?.view ?? Promise.resolve(undefined), ctx.then(() => undefined)]);
    if (early) return { ...early(), rejected: await d.store.rejections(id) };
    return fullView(anchoring, id, await ctx);
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
    /**
     * The view of `id`, opened now if it is not running yet; while a long history is still
     * loading, its opening view (the sealed snapshot's state, `opening` progress) at once.
     */
    viewNow(id: string): Promise<ContextView> {
      return viewOf(id, start(id));
    },
    viewOf,
    /** Whether `id` is still loading a long history, showing its opening view meanwhile. */
    previewing: (id: string): boolean => previews.get(id)?.shown ?? false,
    /**
     * Start `id`; resolves once it is open, or shows its opening view (a long history loads
     * on in the background). Rejects as `start` does.
     */
    async started(id: string): Promise<void> {
      const ctx = start(id);
      const preview = previews.get(id)?.view;
      await (preview ? Promise.race([ctx, preview.then((view) => (view ? undefined : ctx))]) : ctx);
    },
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
    /** Close every running context; resolves once their writes under way settled (the store closes after). */
    async closeAll(): Promise<void> {
      const closing: Promise<void>[] = [];
      for (const ctx of running.values()) closing.push((await ctx).close());
      running.clear();
      anchoring.closeAll();
      await Promise.all(closing);
    },
  };
}

export type ContextRegistry = ReturnType<typeof contextRegistry>;
