import type { ContextAnchors } from '../../anchors/contextAnchors.ts';
import type { RunningContext } from '../openContext.ts';
import type { ContextServiceDeps } from './deps.ts';

/**
 * The chain anchoring of the running contexts: made once a context's genesis (and so its
 * binding) is known. The anchoring code (and the keccak it needs) loads only then: most
 * contexts, and the first load, do without it.
 */
export function anchorRegistry(d: Pick<ContextServiceDeps, 'anchoring' | 'scheduler' | 'now'>, changed: () => void) {
  /** Anchored contexts' anchoring, made once the genesis (and so the binding) is known. */
  const anchorsOf = new Map<string, ContextAnchors>();
  const attaching = new Map<string, Promise<ContextAnchors | undefined>>();

  /** Start a context's anchoring when its genesis binds a chain. */
  function attach(id: string, opened: RunningContext): Promise<ContextAnchors | undefined> | undefined {
    const anchoring = d.anchoring;
    if (!anchoring || anchorsOf.has(id) || !opened.replica.binding()) return undefined;
    const pending = attaching.get(id);
    if (pending) return pending;
    const made = import('../../anchors/contextAnchors.ts').then(({ contextAnchors }) => {
      // Closed or reopened meanwhile: this one is stale.
      if (attaching.get(id) !== made) return undefined;
      attaching.delete(id);
      const anchors = contextAnchors({ ...anchoring, ctx: opened, scheduler: d.scheduler, now: d.now, onChange: changed, policy: () => anchoring.policy(id) });
      anchorsOf.set(id, anchors);
      void anchors.ensure();
      changed();
      return anchors;
    });
    attaching.set(id, made);
    return made;
  }

  return {
    attach,
    /** A running context changed: its anchoring hears it, or starts if its binding just arrived. */
    contextChanged(id: string, opened: RunningContext | undefined): void {
      const anchors = anchorsOf.get(id);
      if (anchors) anchors.changed();
      else if (opened) void attach(id, opened);
    },
    view(id: string) {
      return anchorsOf.get(id)?.view();
    },
    /** The anchoring of an open context, made now if need be; throws when it has none. */
    async of(id: string, opened: RunningContext): Promise<ContextAnchors> {
      if (!d.anchoring) throw new Error('this node has no chain anchoring configured');
      const anchors = anchorsOf.get(id) ?? (await attach(id, opened));
      if (!anchors) throw new Error('this context is not anchored to a chain (its genesis binds none), or its history has not arrived yet');
      await anchors.ensure();
      return anchors;
    },
    /** Stop one context's anchoring (closed, reopened or forgotten). */
    close(id: string): void {
      anchorsOf.get(id)?.close();
      anchorsOf.delete(id);
      attaching.delete(id);
    },
    closeAll(): void {
      for (const a of anchorsOf.values()) a.close();
      anchorsOf.clear();
      attaching.clear();
    },
  };
}

export type AnchorRegistry = ReturnType<typeof anchorRegistry>;
