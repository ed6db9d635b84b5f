import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { checkStateUpdate } from './checkUpdate.ts';
import { kvWriter } from './kvWriter.ts';
import { StateLayoutError } from './layout.ts';
import { createContextState } from './materialize.ts';

function updateOf(f: (doc: Y.Doc) => void, doc = new Y.Doc()): Uint8Array {
  let update: Uint8Array = new Uint8Array();
  const grab = (u: Uint8Array) => (update = u);
  doc.on('update', grab);
  doc.transact(() => f(doc));
  doc.off('update', grab);
  return update;
}

function problem(update: Uint8Array): string {
  try {
    checkStateUpdate(update);
    return 'ok';
  } catch (e) {
    if (e instanceof StateLayoutError) return e.problem;
    throw e;
  }
}

describe('checkStateUpdate', () => {
  test('accepts what the kv writer makes, whole docs with deletions, and merged updates', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    for (const [k, v] of [['a', 1], ['b', { x: [1, 'y'] }], ['a', 2]] as const) {
      const u = kvWriter.write(doc, { method: 'set', args: { key: k, value: v } }, 9);
      Y.applyUpdate(doc, u);
      updates.push(u);
    }
    updates.push(kvWriter.write(doc, { method: 'remove', args: { key: 'b' } }, 9));
    for (const u of updates) expect(problem(u)).toBe('ok');
    expect(problem(Y.mergeUpdates(updates))).toBe('ok');
    expect(problem(Y.encodeStateAsUpdate(doc))).toBe('ok');
    expect(problem(Y.encodeStateAsUpdate(new Y.Doc()))).toBe('ok');
  });

  test('refuses content outside the layout', () => {
    expect(problem(updateOf((d) => d.getMap('state').set('nested', new Y.Map())))).toBe('foreign-content');
    expect(problem(updateOf((d) => d.getMap('state').set('bin', new Uint8Array([1]))))).toBe('foreign-content');
    expect(problem(updateOf((d) => d.getMap('other').set('k', 1)))).toBe('outside-state-map');
    expect(problem(updateOf((d) => d.getText('notes').insert(0, 'hi')))).toBe('outside-state-map');
    expect(problem(updateOf((d) => d.getArray('state').push([1])))).toBe('outside-state-map');
    expect(problem(updateOf((d) => d.getMap('state').set('u', undefined)))).toBe('not-json');
    expect(problem(updateOf((d) => d.getMap('state').set('n', NaN)))).toBe('non-finite-number');
    expect(problem(updateOf((d) => d.getMap('state').set('big', 'x'.repeat(70_000))))).toBe('too-large');
    expect(problem(updateOf((d) => d.getMap('state').set('k'.repeat(300), 1)))).toBe('key-too-long');
    // Yjs's decoder turns a "__proto__" key into a prototype: the value is no longer plain.
    expect(problem(updateOf((d) => d.getMap('state').set('p', JSON.parse('{"__proto__": {"a": 1}}'))))).toBe('not-json');
    // Found by fuzz/: a prototype whose constructor.name cannot be turned into text.
    const odd = JSON.parse('{"__proto__": {"constructor": {"name": {"toString": 1}}}}');
    expect(problem(updateOf((d) => d.getMap('state').set('q', odd)))).toBe('not-json');
  });

  test('a struct that inherits its place from a refused one is refused by induction', () => {
    // The second push names no parent (it sits after the first), so it passes alone; the
    // first is refused, so on a peer the second never finds its origin and never shows.
    const doc = new Y.Doc();
    const first = updateOf((d) => d.getArray('other').push([1]), doc);
    const second = updateOf((d) => d.getArray('other').push([2]), doc);
    expect(problem(first)).toBe('outside-state-map');
    expect(problem(second)).toBe('ok');
    const peer = new Y.Doc();
    Y.applyUpdate(peer, second);
    expect(peer.store.pendingStructs).not.toBeNull();
    expect(peer.share.size).toBe(0);
  });

  test('refuses bytes that are not an update', () => {
    expect(problem(new Uint8Array([1, 2, 3, 4, 5]))).toBe('malformed-update');
    const u = kvWriter.write(new Y.Doc(), { method: 'set', args: { key: 'k', value: 1 } }, 4);
    expect(problem(u.subarray(0, u.length - 3))).toBe('malformed-update');
  });

  test('refuses an empty deletion, which made applying the update throw (found by fuzz/)', () => {
    // No structs; a delete set naming client 0, clock 12, length 0.
    const update = new Uint8Array([0x00, 0x01, 0x00, 0x01, 0x0c, 0x00]);
    expect(() => Y.applyUpdate(new Y.Doc(), update)).toThrow('Unexpected case');
    expect(problem(update)).toBe('malformed-update');
  });

  test('refuses an empty struct, which made the context state throw (found by fuzz/)', () => {
    // An item of client 0 with no content (an empty ContentAny), its origin 11:0, an empty delete set.
    const empty = new Uint8Array([0x01, 0x01, 0x00, 0x00, 0x88, 0x0b, 0x00, 0x00, 0x00]);
    expect(problem(empty)).toBe('malformed-update');
    // What it did as a valid delta: "Unexpected case" out of apply, once 11:0 was deleted.
    const doc = new Y.Doc();
    const state = createContextState();
    for (const [client, value] of [[11, 1], [12, 2]] as const) {
      const u = kvWriter.write(doc, { method: 'set', args: { key: 'a', value } }, client);
      Y.applyUpdate(doc, u);
      state.apply(`set by ${client}`, u);
    }
    expect(() => state.apply('empty struct', empty)).not.toThrow();
    expect(state.refused().get('empty struct')).toMatch(/empty struct/);
  });
});
