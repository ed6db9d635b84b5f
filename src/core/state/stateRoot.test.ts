import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { concatBytes, taggedHash, toHex } from '../crypto/index.ts';
import { emptyGovState, type GovState } from '../governance/state.ts';
import type { RootId } from '../identity/index.ts';
import { governanceRoot } from './governanceRoot.ts';
import { readKv } from './kvWriter.ts';
import { StateLayoutError, stateMap, type JsonValue } from './layout.ts';
import { merkleCounters, merkleRoot, taggedHasher } from './merkle.ts';
import { entriesRoot, stateRoot, stateRootCacheSize } from './stateRoot.ts';

function docAs(clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  return doc;
}

/** Run a change on a doc and return its update. */
function change(doc: Y.Doc, f: (state: Y.Map<unknown>) => void): Uint8Array {
  let update: Uint8Array = new Uint8Array();
  const grab = (u: Uint8Array) => (update = u);
  doc.on('update', grab);
  doc.transact(() => f(stateMap(doc)));
  doc.off('update', grab);
  return update;
}

function docFrom(updates: Uint8Array[], clientID = 999): Y.Doc {
  const doc = docAs(clientID);
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc;
}

const hex = (b: Uint8Array) => toHex(b);
const hasProtoKey = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && (Object.hasOwn(v, '__proto__') || Object.values(v).some(hasProtoKey));
const json = (fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>).filter((v) => !hasProtoKey(v));
const key = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é', '\u{1F600}'), maxLength: 3 });

describe('stateRoot', () => {
  test('the empty state has a fixed root', () => {
    const empty = taggedHash('tabnode/state-empty/v1', new Uint8Array(0));
    expect(stateRoot(new Y.Doc())).toEqual(empty);
    expect(entriesRoot([])).toEqual(empty);
  });

  test('same entries: any insertion order, any client ids, merged or separate updates', () => {
    const a = docAs(1);
    const ua = [change(a, (m) => m.set('x', 1)), change(a, (m) => m.set('y', { b: [true], a: null })), change(a, (m) => m.set('z', 'zz'))];
    const b = docAs(77777);
    change(b, (m) => m.set('z', 'zz'));
    change(b, (m) => m.set('y', { a: null, b: [true] }));
    change(b, (m) => {
      m.set('x', 0);
      m.set('x', 1);
    });
    const root = entriesRoot([
      ['z', 'zz'],
      ['x', 1],
      ['y', { a: null, b: [true] }],
    ]);
    expect(hex(stateRoot(a))).toBe(hex(root));
    expect(hex(stateRoot(b))).toBe(hex(root));
    expect(hex(stateRoot(docFrom([Y.mergeUpdates(ua)])))).toBe(hex(root));
    expect(hex(stateRoot(docFrom([...ua].reverse())))).toBe(hex(root));
    // The Yjs bytes differ; the root does not.
    expect(hex(Y.encodeStateAsUpdate(a))).not.toBe(hex(Y.encodeStateAsUpdate(b)));
  });

  test('any change of a value, a key, or the key set changes the root', () => {
    const base: [string, JsonValue][] = [
      ['k', { n: 1, s: 'x' }],
      ['l', [1, 2]],
    ];
    const root = hex(entriesRoot(base));
    const variants: [string, JsonValue][][] = [
      [['k', { n: 2, s: 'x' }], base[1]!],
      [['k', { n: 1, s: 'x', t: null }], base[1]!],
      [base[0]!, ['l', [2, 1]]],
      [base[0]!, ['l', ['1', 2]]],
      [base[0]!, ['m', [1, 2]]],
      [base[0]!],
      [...base, ['', null]],
    ];
    for (const v of variants) expect(hex(entriesRoot(v))).not.toBe(root);
    // -0 and object key order are not changes.
    expect(hex(entriesRoot([['l', [1, 2]], ['k', { s: 'x', n: 1 }]]))).toBe(root);
    expect(hex(entriesRoot([['a', -0]]))).toBe(hex(entriesRoot([['a', 0]])));
  });

  test('deleted keys leave no trace', () => {
    const doc = docAs(5);
    change(doc, (m) => m.set('gone', 1));
    change(doc, (m) => m.set('kept', 2));
    change(doc, (m) => m.delete('gone'));
    expect(hex(stateRoot(doc))).toBe(hex(entriesRoot([['kept', 2]])));
  });

  test('a root kept up to date change by change equals the root of a fresh doc', () => {
    const live = docAs(1);
    const writer = docAs(2);
    for (let i = 0; i < 40; i++) {
      const u = change(writer, (m) => (i % 7 === 6 ? m.delete(`k${i % 5}`) : m.set(`k${i % 5}`, { i })));
      Y.applyUpdate(live, u);
      expect(hex(stateRoot(live))).toBe(hex(stateRoot(docFrom([Y.encodeStateAsUpdate(writer)]))));
    }
  });

  test('refuses entries outside the layout', () => {
    expect(() => entriesRoot([['a', 1], ['a', 2]])).toThrow(StateLayoutError);
    expect(() => entriesRoot([['a', NaN]])).toThrow(/not a JSON number/);
    const nested = docAs(3);
    change(nested, (m) => m.set('inner', new Y.Map()));
    expect(() => stateRoot(nested)).toThrow(/state key "inner": a nested Yjs type/);
    const binary = docAs(4);
    change(binary, (m) => m.set('bin', new Uint8Array([1])));
    expect(() => stateRoot(binary)).toThrow(StateLayoutError);
  });

  test('property: a random map written across 3 docs, updates applied in any order, gives the root of the map', () => {
    const plan = fc.record({
      final: fc.dictionary(key, json, { maxKeys: 8 }),
      noise: fc.dictionary(key, json, { maxKeys: 8 }),
      writer: fc.array(fc.nat(2), { minLength: 16, maxLength: 16 }),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(plan, fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), ({ final, noise, writer }, shuffles) => {
        const docs = [docAs(11), docAs(22), docAs(33)];
        const updates: Uint8Array[] = [];
        const keys = [...new Set([...Object.keys(final), ...Object.keys(noise)])];
        // Phase 1: noise values (some of them later removed or overwritten), written anywhere.
        keys.forEach((k, i) => {
          if (Object.hasOwn(noise, k)) updates.push(change(docs[writer[i % 16]!]!, (m) => m.set(k, noise[k]!)));
        });
        for (const d of docs) for (const u of updates) Y.applyUpdate(d, u);
        // Phase 2: each key gets its final value (or is removed) on some doc that saw phase 1.
        keys.forEach((k, i) => {
          const d = docs[writer[(i + 7) % 16]!]!;
          if (Object.hasOwn(final, k)) updates.push(change(d, (m) => m.set(k, final[k]!)));
          else if (stateMap(d).has(k)) updates.push(change(d, (m) => m.delete(k)));
        });
        const expected = hex(entriesRoot(Object.entries(final)));
        for (const [i, s] of shuffles.entries()) {
          const order = shuffle(updates, s);
          expect(hex(stateRoot(docFrom(order, 1000 + i)))).toBe(expected);
        }
        expect(hex(stateRoot(docFrom([Y.mergeUpdates(updates)])))).toBe(expected);
      }),
      { numRuns: 100 },
    );
  }, 60_000); // property runs: generous under a loaded machine

  test('property: concurrent conflicting writes on 3 docs converge to one root in any order', () => {
    const step = fc.record({ doc: fc.nat(2), key, value: fc.option(json, { freq: 4 }), sync: fc.boolean() });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 24 }), fc.nat(), fc.nat(), (steps, s1, s2) => {
        const docs = [docAs(101), docAs(202), docAs(303)];
        const updates: Uint8Array[] = [];
        for (const { doc, key: k, value, sync } of steps) {
          const d = docs[doc]!;
          if (value === null) {
            if (stateMap(d).has(k)) updates.push(change(d, (m) => m.delete(k)));
          } else updates.push(change(d, (m) => m.set(k, value)));
          if (sync) for (const other of docs) for (const u of updates) Y.applyUpdate(other, u);
        }
        const roots = [docFrom(updates), docFrom(shuffle(updates, s1), 7), docFrom(shuffle(updates, s2), 8), docFrom([Y.mergeUpdates(updates)], 9)].map(
          (d) => hex(stateRoot(d)),
        );
        expect(new Set(roots).size).toBe(1);
        // The root is the root of what readers see.
        expect(roots[0]).toBe(hex(entriesRoot(readKv(docFrom(updates)))));
      }),
      { numRuns: 100 },
    );
  }, 60_000); // property runs: generous under a loaded machine
});

describe('stateRoot, kept between calls', () => {
  /** Three peers writing; every update reaches the others and `live`, which views after each. */
  function peers(live: Y.Doc): Y.Doc[] {
    const docs = [docAs(41), docAs(42), docAs(43)];
    for (const d of docs) {
      d.on('update', (u: Uint8Array) => {
        Y.applyUpdate(live, u);
        for (const other of docs) if (other !== d) Y.applyUpdate(other, u);
      });
    }
    return docs;
  }

  test("peers' overwrites do not grow what a doc's root keeps: 10,000 overwrites of 64 keys keep 64 leaves and 127 nodes", () => {
    const live = docAs(40);
    const docs = peers(live);
    const name = (k: number) => `k${String(k).padStart(2, '0')}`;
    for (let k = 0; k < 64; k++) stateMap(docs[0]!).set(name(k), 0);
    stateRoot(live);
    expect(stateRootCacheSize(live)).toEqual({ leaves: 64, nodes: 127 });
    let seed = 1;
    let hashed = 0;
    for (let i = 1; i <= 10_000; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      stateMap(docs[i % 3]!).set(name(seed % 64), i);
      const before = merkleCounters.nodesHashed;
      stateRoot(live);
      hashed = Math.max(hashed, merkleCounters.nodesHashed - before);
    }
    // One path per overwrite (log2 64 = 6), and what is kept is the current tree only, while
    // the doc itself holds thousands of tombstoned items (interleaved peers: few merge).
    expect(hashed).toBeLessThanOrEqual(6);
    expect(stateRootCacheSize(live)).toEqual({ leaves: 64, nodes: 127 });
    let tombstones = 0;
    live.store.clients.forEach((structs) => structs.forEach((s) => s instanceof Y.Item && s.deleted && tombstones++));
    expect(tombstones).toBeGreaterThan(5_000);
    expect(hex(stateRoot(live))).toBe(hex(entriesRoot(readKv(live))));
    // Deleted keys let their leaves go.
    for (let k = 0; k < 60; k++) stateMap(docs[k % 3]!).delete(name(k));
    stateRoot(live);
    expect(stateRootCacheSize(live)).toEqual({ leaves: 4, nodes: 7 });
  }, 60_000); // 10,000 Yjs updates, each applied on three docs: slow under a loaded machine

  test('property: a live doc viewed after each random write by 3 peers has the root made afresh, and keeps one leaf per shown key', () => {
    const step = fc.record({ doc: fc.nat(2), key, value: fc.option(json, { freq: 4 }), view: fc.nat(3) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const live = docAs(40);
        const docs = peers(live);
        for (const { doc, key: k, value, view } of steps) {
          const m = stateMap(docs[doc]!);
          if (value === null) m.delete(k);
          else m.set(k, value);
          if (view === 0) continue; // views skipped now and then: several changes between two roots
          const fresh = readKv(live);
          expect(hex(stateRoot(live))).toBe(hex(entriesRoot(fresh)));
          expect(stateRootCacheSize(live).leaves).toBe(fresh.length);
        }
        expect(hex(stateRoot(live))).toBe(hex(stateRoot(docFrom([Y.encodeStateAsUpdate(live)]))));
      }),
      { numRuns: 100 },
    );
  }, 60_000); // property runs: generous under a loaded machine
});

describe('merkleRoot', () => {
  // RFC 6962 §2.1, with our tags.
  const tags = { node: 'n', empty: 'e' };
  function rfc6962(leaves: Uint8Array[]): Uint8Array {
    if (leaves.length === 0) return taggedHash('e', new Uint8Array(0));
    if (leaves.length === 1) return leaves[0]!;
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    return taggedHash('n', concatBytes(rfc6962(leaves.slice(0, k)), rfc6962(leaves.slice(k))));
  }

  test('taggedHasher is taggedHash with the tag prepared once', () => {
    const data = new Uint8Array([1, 2, 3, 4]);
    expect(hex(taggedHasher('tabnode/x')(data.subarray(0, 1), data.subarray(1)))).toBe(hex(taggedHash('tabnode/x', data)));
    expect(hex(taggedHasher('t')())).toBe(hex(taggedHash('t', new Uint8Array(0))));
  });

  test('level-by-level with the odd node promoted is the RFC 6962 tree', () => {
    for (let n = 0; n <= 33; n++) {
      const leaves = Array.from({ length: n }, (_, i) => taggedHash('leaf', new Uint8Array([i])));
      expect(hex(merkleRoot(leaves, tags))).toBe(hex(rfc6962(leaves)));
    }
  });
});

describe('governanceRoot', () => {
  const root = (n: number) => `eip155:1:0x${n.toString(16).padStart(40, '0')}` as RootId;
  const id = (n: number) => n.toString(16).padStart(64, '0');

  function state(order: 'forward' | 'backward'): GovState {
    const s = emptyGovState();
    s.name = 'team';
    s.appId = new Uint8Array(32).fill(9);
    const n = [1, 2, 3];
    for (const i of order === 'forward' ? n : [...n].reverse()) {
      s.members.set(root(i), { role: i === 1 ? 'owner' : 'writer' });
      s.keys.set(id(i), { root: root(i), label: `device ${i}`, issuedAt: 10 * i, expiresAt: 100 * i });
      s.revokedKeys.add(id(100 + i));
      s.revokedInvites.add(id(200 + i));
      s.inviteUses.set(id(300 + i), i);
    }
    return s;
  }

  test('independent of insertion order', () => {
    expect(hex(governanceRoot(state('forward')))).toBe(hex(governanceRoot(state('backward'))));
  });

  test('every field counts', () => {
    const root0 = hex(governanceRoot(state('forward')));
    const edits: ((s: GovState) => void)[] = [
      (s) => (s.name = 'team2'),
      (s) => (s.appId = new Uint8Array(32).fill(8)),
      (s) => s.members.set(root(2), { role: 'reader' }),
      (s) => s.members.delete(root(3)),
      (s) => s.keys.set(id(1), { root: root(1), label: 'device 1', issuedAt: 10, expiresAt: 101 }),
      (s) => s.keys.set(id(1), { root: root(2), label: 'device 1', issuedAt: 10, expiresAt: 100 }),
      (s) => s.keys.delete(id(2)),
      (s) => s.revokedKeys.add(id(1)),
      (s) => s.revokedInvites.delete(id(201)),
      (s) => s.inviteUses.set(id(301), 2),
      (s) => s.origins.add('https://tabnode.example'),
      (s) => s.keys.set(id(1), { root: root(1), label: 'device 1', issuedAt: 10, expiresAt: 100, origin: 'https://tabnode.example' }),
      // The same id moved between sets is a different state.
      (s) => {
        s.revokedKeys.delete(id(101));
        s.revokedInvites.add(id(101));
      },
    ];
    const seen = new Set([root0]);
    for (const edit of edits) {
      const s = state('forward');
      edit(s);
      const r = hex(governanceRoot(s));
      expect(seen.has(r)).toBe(false);
      seen.add(r);
    }
  });

  test('refuses non-canonical hex ids', () => {
    const s = state('forward');
    s.revokedKeys.add('AB'.repeat(32));
    expect(() => governanceRoot(s)).toThrow(/64 lowercase hex/);
  });
});

/** A deterministic Fisher–Yates shuffle driven by a seed. */
function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let x = seed | 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
