import { concatBytes } from '../../../core/crypto/index.ts';
import { entryCount, sealEntries, sealsToMerge, type Sealer } from '../../../core/context/seals.ts';
import type { Op } from '../../../core/ops/op.ts';
import type { Store, StoredOp } from '../../../core/store/index.ts';
import { serialQueue } from '../../../core/tasks/serialQueue.ts';

/**
 * Seals whose entries stay in memory for merging. Larger ones are read back from the store
 * when a merge takes them in, which the binary counter makes rare (once per doubling): a
 * year-old context does not hold 96 bytes per op of seals (issue 12's heap goal).
 */
export const SEAL_BOOK_LIMITS = { heldEntries: 4096 } as const;

interface Held {
  seq: number;
  count: number;
  /** Undefined for a seal over `heldEntries`: read back (and its MAC checked again) when merged. */
  entries: Uint8Array | undefined;
}

/**
 * One context's seals in the store: added per persisted batch, merged as they pile up
 * (seals.ts, sealsToMerge) so a context keeps O(log n) of them. The entries of this tab's
 * small seals are held in memory (96 bytes per op) to merge them without reading them back.
 */
export function createSealBook(p: { context: string; store: Store; sealer: Promise<Sealer> }) {
  const held: Held[] = [];
  /** Seals whose MAC failed: deleted with the next write (they vouch for nothing). */
  let stale: number[] = [];
  // Adds and merges run one after another: a merge must see the seal added before it.
  const inTurn = serialQueue();

  const hold = (seq: number, entries: Uint8Array): Held => {
    const count = entryCount(entries);
    return { seq, count, entries: count > SEAL_BOOK_LIMITS.heldEntries ? undefined : entries };
  };

  async function write(entries: Uint8Array, replacing: Held[], rows: StoredOp[]): Promise<void> {
    const sealer = await p.sealer;
    const remove = [...replacing.map((h) => h.seq), ...stale];
    const seal = { entries, mac: await sealer.mac(p.context, entries) };
    const seq = rows.length ? await p.store.putSealedOps(p.context, rows, seal, remove) : await p.store.replaceSeals(p.context, seal, remove);
    stale = [];
    held.splice(held.length - replacing.length, replacing.length, hold(seq, entries));
  }

  /**
   * The entries of these seals: held ones from memory, the others from the store with their
   * MAC checked again (a seal edited in the store since it was loaded must not be laundered
   * into a merged seal under a fresh MAC). One that fails is missing from the answer and
   * marked stale (its ops are verified in full at the next open).
   */
  async function entriesOf(seals: Held[]): Promise<Map<number, Uint8Array>> {
    const out = new Map<number, Uint8Array>();
    const missing = seals.filter((h) => !h.entries);
    const stored = missing.length ? await p.store.seals(p.context) : [];
    const sealer = await p.sealer;
    for (const h of seals) {
      const record = h.entries ? undefined : stored.find((r) => r.seq === h.seq);
      if (h.entries) out.set(h.seq, h.entries);
      else if (record && (await sealer.check(p.context, record.entries, record.mac))) out.set(h.seq, record.entries);
      else stale.push(h.seq);
    }
    return out;
  }

  /**
   * One store write per add: when the binary counter would merge the new seal with the
   * newest ones, they are merged before writing (a write on the path of every op written here).
   */
  async function addNow(ops: Op[], rows: StoredOp[]): Promise<void> {
    if (!ops.length) return;
    const added = sealEntries(ops);
    const merge = sealsToMerge([...held.map((h) => h.count), entryCount(added)]);
    const older = held.slice(held.length - Math.max(0, merge - 1));
    const entries = await entriesOf(older);
    // Seals that failed their check leave the book (and the store, with the write); the rest,
    // still the newest, merge with the new one.
    for (let i = held.length - older.length; i < held.length; ) {
      if (entries.has(held[i]!.seq)) i++;
      else held.splice(i, 1);
    }
    const merging = held.slice(held.length - entries.size);
    await write(concatBytes(...merging.map((h) => entries.get(h.seq)!), added), merging, rows);
  }

  return {
    /**
     * Seal ops this node verified: stored already, or `rows` (their stored form), stored with
     * the seal in one transaction.
     */
    add(ops: Op[], rows: StoredOp[] = []): Promise<void> {
      return inTurn(() => addNow(ops, rows));
    },

    /** Bytes of seal entries held in memory (bounded per seal by `heldEntries`, so not by history). */
    heldBytes: () => held.reduce((n, h) => n + (h.entries?.length ?? 0), 0),

    /** The entries of the stored seals whose MAC checks out; those become this book's to merge. */
    async load(): Promise<Uint8Array[]> {
      const sealer = await p.sealer;
      const records = await p.store.seals(p.context);
      const checked = await Promise.all(records.map((r) => sealer.check(p.context, r.entries, r.mac)));
      const valid = records.filter((_, i) => checked[i]);
      stale = records.filter((_, i) => !checked[i]).map((r) => r.seq);
      held.push(...valid.map((r) => hold(r.seq, r.entries)));
      return valid.map((r) => r.entries);
    },
  };
}
