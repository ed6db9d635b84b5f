import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { readKv } from './kvWriter.ts';
import { stateMap } from './layout.ts';
import { readKvShared } from './sharedEntries.ts';
import { entriesRoot, stateRoot } from './stateRoot.ts';

test('readKvShared gives what readKv gives, through overwrites, removals and merged updates', () => {
  const doc = new Y.Doc();
  const other = new Y.Doc();
  const map = stateMap(doc);
  map.set('b', { z: 1, a: [1, 'x', null] });
  map.set('a', -0);
  map.set('é', 'accent');
  expect(readKvShared(doc)).toEqual(readKv(doc));
  map.set('b', 'overwritten');
  map.delete('a');
  stateMap(other).set('c', true);
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
  expect(readKvShared(doc)).toEqual(readKv(doc));
  expect(readKvShared(doc).map(([k]) => k)).toEqual(['b', 'c', 'é']);
});

test('a value that breaks the layout is refused the way readKv refuses it', () => {
  const doc = new Y.Doc();
  stateMap(doc).set('nested', new Y.Map());
  expect(() => readKv(doc)).toThrow(/nested.*not a state value/);
  expect(() => readKvShared(doc)).toThrow(/nested.*not a state value/);
});

test('entries stay sorted when the key set changes at the same size (the kept order is not reused)', () => {
  const doc = new Y.Doc();
  const map = stateMap(doc);
  for (const k of ['m', 'c', 'x', 'a']) map.set(k, k);
  expect(readKvShared(doc).map(([k]) => k)).toEqual(['a', 'c', 'm', 'x']);
  expect(stateRoot(doc)).toEqual(entriesRoot(readKv(doc)));
  map.delete('c');
  map.set('b', 'b');
  expect(readKvShared(doc).map(([k]) => k)).toEqual(['a', 'b', 'm', 'x']);
  expect(stateRoot(doc)).toEqual(entriesRoot(readKv(doc)));
  map.set('m', 'again');
  expect(readKvShared(doc)).toEqual(readKv(doc));
  expect(readKvShared(doc)).toEqual([['a', 'a'], ['b', 'b'], ['m', 'again'], ['x', 'x']]);
});
