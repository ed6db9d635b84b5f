import { concatBytes } from '../../../core/crypto/index.ts';
import { entryCount, sealEntries, sealsToMerge, type Sealer } from '../../../core/context/seals.ts';
import type { Op } from '../../../core/ops/op.ts';
import type { Store } from '../../../core/store/index.ts';

interface Held {
  seq: number;
  entries: Uint8Array;
}

/**
 * One context's seals in the store: added per persisted batch, merged as they pile up
 * (seals.ts, sealsToMerge) so a context keeps O(log n) of them. The entries of the seals
 * this tab knows are held in memory (96 bytes per op) to merge them without reading them back.
 */
export function createSealBook(p: { context: string; store: Store; sealer: Promise<Sealer> }) {
  const held: Held[] = [];
  /** Seals whose MAC failed: deleted with the next write (they vouch for nothing). */
  let stale: number[] = [];
  // Adds and merges run one after another: a merge must see the seal added before it.
  let queue: Promise<unknown> = Promise.resolve();

  async function write(entries: Uint8Array, replacing: Held[]): Promise<void> {
    const sealer = await p.sealer;
    const remove = [...replacing.map((h) => h.seq), ...stale];
    const seq = await p.store.replaceSeals(p.context, { entries, mac: await sealer.mac(p.context, entries) }, remove);
    stale = [];
    held.splice(held.length - replacing.length, replacing.length, { seq, entries });
  }

  async function addNow(ops: Op[]): Promise<void> {
    if (!ops.length) return;
    await write(sealEntries(ops), []);
    const merge = sealsToMerge(held.map((h) => entryCount(h.entries)));
    if (merge) {
      const newest = held.slice(-merge);
      await write(concatBytes(...newest.map((h) => h.entries)), newest);
    }
  }

  return {
    /** Seal ops this node verified (stored already). */
    add(ops: Op[]): Promise<void> {
      const next = queue.then(() => addNow(ops));
      queue = next.catch(() => undefined);
      return next;
    },

    /** The entries of the stored seals whose MAC checks out; those become this book's to merge. */
    async load(): Promise<Uint8Array[]> {
      const sealer = await p.sealer;
      const records = await p.store.seals(p.context);
      const checked = await Promise.all(records.map((r) => sealer.check(p.context, r.entries, r.mac)));
      const valid = records.filter((_, i) => checked[i]);
      stale = records.filter((_, i) => !checked[i]).map((r) => r.seq);
      held.push(...valid.map((r) => ({ seq: r.seq, entries: r.entries })));
      return valid.map((r) => r.entries);
    },
  };
}
