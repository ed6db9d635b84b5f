import { describe, expect, test } from 'vitest';
import { entryCount, isSealed, SEAL_ENTRY_BYTES, sealedIndex, sealedLookup, sealEntries, sealsToMerge } from './seals.ts';
import type { Op } from '../ops/op.ts';

const fakeOp = (n: number): Op => ({ id: new Uint8Array(32).fill(n), signature: new Uint8Array(64).fill(n + 100) }) as Op;

describe('seals', () => {
  test('entries name an op by its id and its very signature', () => {
    const entries = sealEntries([fakeOp(1), fakeOp(2)]);
    expect(entries.length).toBe(2 * SEAL_ENTRY_BYTES);
    expect(entryCount(entries)).toBe(2);
    const index = sealedIndex([entries, sealEntries([fakeOp(3)])]);
    expect(isSealed(index, fakeOp(1))).toBe(true);
    expect(isSealed(index, fakeOp(3))).toBe(true);
    expect(isSealed(index, fakeOp(4))).toBe(false);
    expect(isSealed(index, { ...fakeOp(2), signature: new Uint8Array(64) })).toBe(false);
  });

  test('sealedLookup answers as isSealed, in the seals\' order or not, asked once or again', () => {
    const lists = [sealEntries([fakeOp(1), fakeOp(2)]), sealEntries([]), sealEntries([fakeOp(3), fakeOp(4)])];
    const index = sealedIndex(lists);
    const asked = [fakeOp(1), fakeOp(2), { ...fakeOp(5) }, fakeOp(3), { ...fakeOp(4), signature: new Uint8Array(64) }, fakeOp(4), fakeOp(2), fakeOp(6), fakeOp(1)];
    for (const order of [asked, [...asked].reverse()]) {
      const lookup = sealedLookup(lists);
      for (const op of [...order, ...order]) expect(lookup(op)).toBe(isSealed(index, op));
    }
    // Remembered per signature: the same id with other signature bytes is looked up again.
    const lookup = sealedLookup(lists);
    const op = fakeOp(1);
    expect(lookup(op)).toBe(true);
    expect(lookup({ ...op, signature: new Uint8Array(64) })).toBe(false);
    expect(sealedLookup([])(op)).toBe(false);
  });

  test('seals merge like a binary counter: few seals, whatever the number of adds', () => {
    const counts: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      counts.push(1 + (i % 7));
      const merge = sealsToMerge(counts);
      if (merge) counts.splice(counts.length - merge, merge, counts.slice(-merge).reduce((a, b) => a + b, 0));
      // Each seal is more than twice the next: at most log2(total) + 1 of them.
      if (counts.some((c, j) => j > 0 && counts[j - 1]! <= 2 * c)) throw new Error(`seals ${counts.join(',')} after ${i + 1} adds`);
    }
    expect(counts.length).toBeLessThanOrEqual(Math.log2(counts.reduce((a, b) => a + b, 0)) + 1);
  });
});
