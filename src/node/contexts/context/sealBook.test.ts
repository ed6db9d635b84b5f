import { describe, expect, test } from 'vitest';
import { sealedLookup, SEAL_ENTRY_BYTES } from '../../../core/context/seals.ts';
import { memoryStore, type Store } from '../../../core/store/index.ts';
import type { Op } from '../../../core/ops/op.ts';
import { sealerFor } from '../../../adapters/webcrypto/sealer.ts';
import { createSealBook, SEAL_BOOK_LIMITS } from './sealBook.ts';

const CONTEXT = 'ab'.repeat(32);

/** Ops as far as seals read them: an id and a signature. */
function ops(n: number, from: number): Op[] {
  return Array.from({ length: n }, (_, i) => {
    const id = new Uint8Array(32);
    new DataView(id.buffer).setUint32(0, from + i);
    return { id, signature: new Uint8Array(64).fill((from + i) % 251) } as unknown as Op;
  });
}

const book = (store: Store) => createSealBook({ context: CONTEXT, store, sealer: sealerFor(store) });

async function vouchedFor(store: Store, list: Op[]): Promise<number> {
  const lookup = sealedLookup(await book(store).load());
  return list.filter((op) => lookup(op)).length;
}

describe('seal book', () => {
  const big = SEAL_BOOK_LIMITS.heldEntries + 1000;

  test('holds the entries of small seals only, and merges a large one by reading it back', async () => {
    const store = memoryStore();
    const seals = book(store);
    const first = ops(big, 0);
    await seals.add(first);
    // A history's large seals are not held in memory (96 bytes an op).
    expect(seals.heldBytes()).toBe(0);
    const small = ops(10, big);
    await seals.add(small);
    expect(seals.heldBytes()).toBe(10 * SEAL_ENTRY_BYTES);
    // Enough for the binary counter to merge the large seal with the newest ones.
    const more = ops(big, big + 10);
    await seals.add(more);
    const stored = await store.seals(CONTEXT);
    expect(stored).toHaveLength(1);
    expect(seals.heldBytes()).toBe(0);
    expect(await vouchedFor(store, [...first, ...small, ...more])).toBe(2 * big + 10);
  });

  test('an add that merges seals writes the store once', async () => {
    const store = memoryStore();
    let writes = 0;
    const counted: Store = { ...store, replaceSeals: (...a) => (writes++, store.replaceSeals(...a)) };
    const seals = book(counted);
    await seals.add(ops(10, 0));
    writes = 0;
    // Two seals of 10: the binary counter merges them.
    await seals.add(ops(10, 10));
    expect(writes).toBe(1);
    expect(await store.seals(CONTEXT)).toHaveLength(1);
    expect(await vouchedFor(store, ops(20, 0))).toBe(20);
  });

  test('a large seal edited in the store after it was loaded is not laundered into a merge under a fresh MAC', async () => {
    const base = memoryStore();
    const first = ops(big, 0);
    await book(base).add(first);
    let tamper = false;
    // Someone edits the IndexedDB files while the tab runs: the first entry's signature changes.
    const store: Store = {
      ...base,
      seals: async (context) =>
        (await base.seals(context)).map((r) => {
          if (!tamper || r.entries.length < big * SEAL_ENTRY_BYTES) return r;
          const entries = r.entries.slice();
          entries.fill(7, 32, SEAL_ENTRY_BYTES);
          return { ...r, entries };
        }),
    };
    const seals = book(store);
    await seals.load();
    tamper = true;
    await seals.add(ops(big, big));
    tamper = false;
    const forged = { ...first[0]!, signature: new Uint8Array(64).fill(7) } as Op;
    expect(await vouchedFor(base, [forged])).toBe(0);
    // The seal added after it still vouches for its ops.
    expect(await vouchedFor(base, ops(big, big))).toBe(big);
  });
});
