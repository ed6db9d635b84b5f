import type { Replica } from '../../../core/context/replica.ts';
import type { RootId } from '../../../core/identity/index.ts';
import { idKey } from '../../../core/ops/op.ts';
import { createOverwriteWatch, stateMap, type ContextState, type JsonValue, type KeyChange } from '../../../core/state/index.ts';
import type { OverwriteView } from '../view.ts';

/** Notices kept (the newest) until dismissed. */
export const MAX_OVERWRITE_NOTICES = 20;

/**
 * Tells this member when a key it wrote was overwritten by another member's concurrent write
 * (core/state/overwrites.ts decides; this feeds it the keys each valid delta changed, read
 * from the state map's change event, and names the winner by device label).
 * Started after the stored history is loaded: old conflicts are not news on every reload.
 */
export function createOverwriteNotices(p: { state: ContextState; replica: Replica; myRoot: RootId; onChange(): void }) {
  const watch = createOverwriteWatch((key) => p.replica.dag.get(key)?.op.parents.map(idKey));
  let notices: OverwriteView[] = [];
  let watching = false;

  function keysChangedBy(run: () => void): string[] {
    const map = stateMap(p.state.doc);
    const keys = new Set<string>();
    const observer = (e: { keysChanged: Set<string> }) => e.keysChanged.forEach((k) => keys.add(k));
    map.observe(observer);
    try {
      run();
    } finally {
      map.unobserve(observer);
    }
    return [...keys];
  }

  return {
    start(): void {
      watching = true;
    },

    /** Apply one valid delta (`run`), noting what it changed. */
    applying(opKey: string, run: () => void): void {
      if (!watching) return run();
      const keys = keysChangedBy(run);
      const c = p.replica.dag.get(opKey);
      if (!c || keys.length === 0) return;
      const map = stateMap(p.state.doc);
      const changes: KeyChange[] = keys.map((k) => [k, map.has(k) ? (map.get(k) as JsonValue) : undefined]);
      const author = p.replica.governance().keys.get(c.author);
      if (author?.root === p.myRoot) return watch.mine(opKey, changes);
      const found = watch.theirs(opKey, changes);
      if (found.length === 0) return;
      const by = author?.label ?? 'another member';
      notices = [...notices, ...found.map((o) => ({ ...o, by, ...(author ? { byRoot: author.root } : {}), at: c.op.time }))].slice(-MAX_OVERWRITE_NOTICES);
      p.onChange();
    },

    list: (): OverwriteView[] => notices,

    dismiss(): void {
      notices = [];
      p.onChange();
    },
  };
}
