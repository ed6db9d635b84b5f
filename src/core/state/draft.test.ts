import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { toHex } from '../crypto/index.ts';
import { draftUpdate } from './draft.ts';
import { readKv } from './kvWriter.ts';
import { stateMap } from './layout.ts';

/** What Yjs itself emits for the same operations: a transaction on a copy of base, as `clientID`. */
function yjsUpdate(base: Y.Doc, clientID: number, f: (m: Y.Map<unknown>) => void): Uint8Array | null {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(base));
  copy.clientID = clientID;
  let update: Uint8Array | null = null;
  copy.on('update', (u: Uint8Array) => (update = u));
  copy.transact(() => f(stateMap(copy)));
  return update;
}

const key = fc.constantFrom('a', 'b', 'c', '', 'é', '\u{1F600}');
const value = fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.constant(null), fc.array(fc.boolean(), { maxLength: 2 }), fc.constant({ x: 1, y: [2] }));
const op = fc.record({ client: fc.constantFrom(5, 6, 7), key, value: fc.option(value, { freq: 3 }), sync: fc.boolean() });

describe('draftUpdate', () => {
  test('emits the bytes Yjs emits for the same map operation, on any base', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        // Three clients write concurrently and sync now and then; each write is checked
        // against Yjs on the writer's own doc (with its concurrent history and tombstones).
        const docs = new Map([5, 6, 7].map((c) => [c, new Y.Doc()]));
        const updates: Uint8Array[] = [];
        for (const o of ops) {
          const doc = docs.get(o.client)!;
          const ours = draftUpdate(doc, o.client, (d) => (o.value === null ? d.remove(o.key) : d.set(o.key, o.value)));
          const theirs = yjsUpdate(doc, o.client, (m) => (o.value === null ? m.delete(o.key) : m.set(o.key, o.value)));
          expect(ours === null ? null : toHex(ours)).toBe(theirs === null ? null : toHex(theirs));
          if (ours) {
            Y.applyUpdate(doc, ours);
            updates.push(ours);
          }
          if (o.sync) for (const d of docs.values()) for (const u of updates) Y.applyUpdate(d, u);
        }
      }),
      { numRuns: 100 },
    );
  }, 60_000); // property runs: generous under a loaded machine

  test('several writes in one call give the map Yjs gives', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 8 }), fc.array(op, { minLength: 1, maxLength: 8 }), (setup, call) => {
        const base = new Y.Doc();
        for (const o of setup) {
          const u = draftUpdate(base, o.client, (d) => (o.value === null ? d.remove(o.key) : d.set(o.key, o.value)));
          if (u) Y.applyUpdate(base, u);
        }
        const run = <T>(apply: (o: (typeof call)[number]) => T) => call.forEach(apply);
        const ours = draftUpdate(base, 9, (d) => run((o) => (o.value === null ? d.remove(o.key) : d.set(o.key, o.value))));
        const theirs = yjsUpdate(base, 9, (m) => run((o) => (o.value === null ? m.delete(o.key) : m.set(o.key, o.value))));
        const viaOurs = new Y.Doc();
        const viaTheirs = new Y.Doc();
        for (const [doc, u] of [
          [viaOurs, ours],
          [viaTheirs, theirs],
        ] as const) {
          Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
          if (u) Y.applyUpdate(doc, u);
          expect(doc.store.pendingStructs).toBeNull();
        }
        expect(readKv(viaOurs)).toEqual(readKv(viaTheirs));
      }),
      { numRuns: 100 },
    );
  }, 60_000); // property runs: generous under a loaded machine

  test('reads see the call’s own writes; base is untouched; values are copies', () => {
    const base = new Y.Doc();
    Y.applyUpdate(base, draftUpdate(base, 1, (d) => d.set('k', { list: [1] }))!);
    const before = toHex(Y.encodeStateAsUpdate(base));
    const update = draftUpdate(base, 2, (d) => {
      const v = d.get('k') as { list: number[] };
      v.list.push(2); // a copy: base keeps [1]
      expect(d.get('k')).toEqual({ list: [1] });
      d.set('k', v);
      d.set('n', 1);
      expect(d.get('k')).toEqual({ list: [1, 2] });
      expect(d.keys()).toEqual(['k', 'n']);
      d.remove('k');
      expect(d.has('k')).toBe(false);
      expect(d.get('k')).toBeUndefined();
      expect(d.keys()).toEqual(['n']);
    });
    expect(toHex(Y.encodeStateAsUpdate(base))).toBe(before);
    Y.applyUpdate(base, update!);
    expect(readKv(base)).toEqual([['n', 1]]);
  });

  test('removing an absent key changes nothing', () => {
    expect(draftUpdate(new Y.Doc(), 1, (d) => d.remove('ghost'))).toBeNull();
    expect(draftUpdate(new Y.Doc(), 1, () => {})).toBeNull();
  });
});
