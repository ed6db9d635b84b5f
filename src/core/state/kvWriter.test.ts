import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { toHex } from '../crypto/index.ts';
import { checkStateUpdate } from './checkUpdate.ts';
import { KvError, kvWriter, readKv } from './kvWriter.ts';
import { StateLayoutError, stateMap } from './layout.ts';
import { entriesRoot, stateRoot } from './stateRoot.ts';
import { createWriteSession } from './writeSession.ts';
import type { StateCall } from './writer.ts';

const set = (key: unknown, value: unknown): StateCall => ({ method: 'set', args: { key, value } });
const remove = (key: unknown): StateCall => ({ method: 'remove', args: { key } });

/** A seeded xorshift source of uint32s: tests get reproducible client ids. */
function seeded(seed: number): () => number {
  let x = seed | 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function errorOf(f: () => unknown): { name: string; code: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof KvError) return { name: e.name, code: e.code };
    if (e instanceof StateLayoutError) return { name: e.name, code: e.problem };
    throw e;
  }
  throw new Error('expected an error');
}

describe('kv writer', () => {
  test('set and remove produce updates without touching the doc they read', () => {
    const doc = new Y.Doc();
    const before = toHex(Y.encodeStateAsUpdate(doc));
    const u1 = kvWriter.write(doc, set('greeting', { text: 'hi', n: -0 }), 42);
    expect(toHex(Y.encodeStateAsUpdate(doc))).toBe(before);
    expect(stateMap(doc).size).toBe(0);

    Y.applyUpdate(doc, u1);
    expect(readKv(doc)).toEqual([['greeting', { n: 0, text: 'hi' }]]);
    const u2 = kvWriter.write(doc, remove('greeting'), 42);
    expect(readKv(doc)).toHaveLength(1);
    Y.applyUpdate(doc, u2);
    expect(readKv(doc)).toEqual([]);
    for (const u of [u1, u2]) expect(() => checkStateUpdate(u)).not.toThrow();
  });

  test('an overwrite wins over the value it saw', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, kvWriter.write(doc, set('k', 1), 900)); // a high client id
    Y.applyUpdate(doc, kvWriter.write(doc, set('k', 2), 1)); // a low one, later
    expect(readKv(doc)).toEqual([['k', 2]]);
  });

  test('the update is only the change, not the whole state', () => {
    const doc = new Y.Doc();
    for (let i = 0; i < 50; i++) Y.applyUpdate(doc, kvWriter.write(doc, set(`key${i}`, 'x'.repeat(100)), 7));
    for (let i = 0; i < 50; i++) Y.applyUpdate(doc, kvWriter.write(doc, set(`key${i}`, i), 7));
    const next = kvWriter.write(doc, set('key0', 'y'), 7);
    expect(Y.encodeStateAsUpdate(doc).length).toBeGreaterThan(600);
    expect(next.length).toBeLessThan(40);
  });

  test('readKv is sorted by UTF-8 bytes and hands out copies', () => {
    const doc = new Y.Doc();
    for (const k of ['b', '\u{1F600}', 'a', '\uE000', 'B']) Y.applyUpdate(doc, kvWriter.write(doc, set(k, { list: [k] }), 5));
    const entries = readKv(doc);
    expect(entries.map(([k]) => k)).toEqual(['B', 'a', 'b', '\uE000', '\u{1F600}']);
    (entries[0]![1] as { list: string[] }).list.push('mutated');
    expect(readKv(doc)[0]).toEqual(['B', { list: ['B'] }]);
    expect(toHex(entriesRoot(entries.slice(1)))).toBe(toHex(entriesRoot(readKv(doc).slice(1))));
    expect(toHex(stateRoot(doc))).toBe(toHex(entriesRoot(readKv(doc))));
  });

  test('bad calls throw typed errors with the reason', () => {
    const doc = new Y.Doc();
    expect(errorOf(() => kvWriter.write(doc, { method: 'put', args: {} }, 1))).toEqual({ name: 'KvError', code: 'unknown-method' });
    expect(errorOf(() => kvWriter.write(doc, { method: 'set', args: null }, 1))).toEqual({ name: 'KvError', code: 'bad-args' });
    expect(errorOf(() => kvWriter.write(doc, { method: 'set', args: { key: 'k' } }, 1))).toEqual({ name: 'KvError', code: 'bad-args' });
    expect(errorOf(() => kvWriter.write(doc, { method: 'set', args: { key: 'k', value: 1, extra: 2 } }, 1))).toEqual({
      name: 'KvError',
      code: 'bad-args',
    });
    expect(errorOf(() => kvWriter.write(doc, remove('absent'), 1))).toEqual({ name: 'KvError', code: 'no-such-key' });
  });

  test('an empty key is refused with a message that says what to do (a form left blank)', () => {
    const doc = new Y.Doc();
    expect(errorOf(() => kvWriter.write(doc, set('', null), 1))).toEqual({ name: 'KvError', code: 'bad-args' });
    expect(() => kvWriter.write(doc, set('', null), 1)).toThrow(/the key is empty: give it a name/);
    // Its layout still allows "": an update from elsewhere with it is not refused.
    expect(kvWriter.write(doc, set(' ', null), 1)).toBeInstanceOf(Uint8Array);
    expect(errorOf(() => kvWriter.write(doc, set('k'.repeat(257), 1), 1))).toEqual({ name: 'StateLayoutError', code: 'key-too-long' });
    expect(errorOf(() => kvWriter.write(doc, set(3, 1), 1))).toEqual({ name: 'StateLayoutError', code: 'bad-key' });
    expect(errorOf(() => kvWriter.write(doc, set('k', 'v'.repeat(70_000)), 1))).toEqual({ name: 'StateLayoutError', code: 'too-large' });
    expect(errorOf(() => kvWriter.write(doc, set('k', { when: new Date(0) }), 1))).toEqual({ name: 'StateLayoutError', code: 'not-json' });
    expect(errorOf(() => kvWriter.write(doc, set('k', Infinity), 1))).toEqual({ name: 'StateLayoutError', code: 'non-finite-number' });
    expect(() => kvWriter.write(doc, set('k', undefined), 1)).toThrow(/type undefined is not JSON/);
  });

  test('a key "__proto__" is an ordinary state key', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, kvWriter.write(doc, set('__proto__', 1), 3));
    expect(readKv(doc)).toEqual([['__proto__', 1]]);
  });
});

describe('write session: Yjs clocks stay continuous', () => {
  test('sequential writes continue one client, and a peer applies each at once', () => {
    const session = createWriteSession(seeded(1));
    const local = new Y.Doc();
    const peer = new Y.Doc();
    const clients = new Set<number>();
    for (let i = 0; i < 5; i++) {
      clients.add(session.clientIdFor(local));
      const u = session.write(kvWriter, local, set(`k${i % 2}`, i));
      Y.applyUpdate(local, u);
      Y.applyUpdate(peer, u);
      expect(peer.store.pendingStructs).toBeNull();
    }
    const r = session.write(kvWriter, local, remove('k0'));
    Y.applyUpdate(local, r);
    Y.applyUpdate(peer, r);
    clients.add(session.clientIdFor(local)); // a deletion adds no structs: same client, same clock
    expect(clients.size).toBe(1);
    expect(readKv(peer)).toEqual([['k1', 3]]);
  });

  test('a write made while the previous one is still in flight takes a fresh client', () => {
    const session = createWriteSession(seeded(2));
    const local = new Y.Doc();
    const first = session.write(kvWriter, local, set('a', 1));
    const second = session.write(kvWriter, local, set('b', 2)); // first still being signed
    const metaFirst = Y.parseUpdateMeta(first);
    const metaSecond = Y.parseUpdateMeta(second);
    expect([...metaSecond.to.keys()]).not.toEqual([...metaFirst.to.keys()]);
    // Either may be dropped: the other still applies on a peer.
    const peer = new Y.Doc();
    Y.applyUpdate(peer, second);
    expect(peer.store.pendingStructs).toBeNull();
    expect(readKv(peer)).toEqual([['b', 2]]);
  });

  test('after an own write is dropped (never published, or invalid on rebuild) the next write does not wait on it', () => {
    const session = createWriteSession(seeded(3));
    const local = new Y.Doc();
    Y.applyUpdate(local, session.write(kvWriter, local, set('a', 1)));
    session.write(kvWriter, local, set('lost', 1)); // signing failed: never applied, never sent
    const next = session.write(kvWriter, local, set('b', 2));
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(local));
    Y.applyUpdate(peer, next);
    expect(peer.store.pendingStructs).toBeNull();
    expect(readKv(peer)).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  test('never uses a clock of a client twice', () => {
    const session = createWriteSession(seeded(4));
    const local = new Y.Doc();
    const seen = new Set<string>();
    const updates: Uint8Array[] = [];
    for (let i = 0; i < 30; i++) {
      const u = session.write(kvWriter, local, set(`k${i % 3}`, i));
      const { from, to } = Y.parseUpdateMeta(u);
      for (const [client, end] of to) for (let c = from.get(client) ?? 0; c < end; c++) seen.add(`${client}:${c}`);
      updates.push(u);
      if (i % 4 !== 3) Y.applyUpdate(local, u); // every fourth write is "lost"
    }
    let total = 0;
    for (const u of updates) for (const [client, end] of Y.parseUpdateMeta(u).to) total += end - (Y.parseUpdateMeta(u).from.get(client) ?? 0);
    expect(seen.size).toBe(total);
  });

  test('refuses a random source that only repeats used ids', () => {
    const session = createWriteSession(() => 7);
    const doc = new Y.Doc();
    session.write(kvWriter, doc, set('a', 1));
    expect(() => session.write(kvWriter, doc, set('b', 1))).toThrow(/random source/);
  });
});
