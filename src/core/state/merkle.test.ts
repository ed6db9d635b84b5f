import { expect, test } from 'vitest';
import { sha256, taggedHasher } from '../crypto/index.ts';
import { merkleCounters, merkleRoot } from './merkle.ts';

const TAGS = { node: 'test/merkle-node/v1', empty: 'test/merkle-empty/v1' };

/** The tree as merkleRoot defines it, nothing remembered. */
function reference(leaves: Uint8Array[]): Uint8Array {
  const node = taggedHasher(TAGS.node);
  if (!leaves.length) return taggedHasher(TAGS.empty)();
  let level = leaves;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(node(level[i]!, level[i + 1]!));
    if (level.length % 2) next.push(level.at(-1)!);
    level = next;
  }
  return level[0]!;
}

const leaf = (i: number, v = 0) => sha256(new Uint8Array([i & 255, i >> 8, v]));

test('a root after one leaf changed hashes only the path above it, and equals the tree made afresh', () => {
  const leaves = Array.from({ length: 1000 }, (_, i) => leaf(i));
  expect(merkleRoot(leaves, TAGS)).toEqual(reference(leaves));
  const before = merkleCounters.nodesHashed;
  expect(merkleRoot(leaves, TAGS)).toEqual(reference(leaves));
  expect(merkleCounters.nodesHashed - before).toBe(0);
  leaves[517] = leaf(517, 1);
  const changed = merkleCounters.nodesHashed;
  expect(merkleRoot(leaves, TAGS)).toEqual(reference(leaves));
  // One node per level: ⌈log2 1000⌉ = 10.
  expect(merkleCounters.nodesHashed - changed).toBeLessThanOrEqual(10);
});

test('a leaf inserted or removed re-pairs what follows it, and the root is still the tree made afresh', () => {
  const leaves = Array.from({ length: 33 }, (_, i) => leaf(i));
  merkleRoot(leaves, TAGS);
  leaves.splice(5, 0, leaf(500));
  expect(merkleRoot(leaves, TAGS)).toEqual(reference(leaves));
  leaves.splice(20, 2);
  expect(merkleRoot(leaves, TAGS)).toEqual(reference(leaves));
  expect(merkleRoot([], TAGS)).toEqual(reference([]));
  expect(merkleRoot([leaves[3]!], TAGS)).toEqual(leaves[3]);
});

test('a root handed out can be changed by its holder without changing later roots', () => {
  const leaves = Array.from({ length: 8 }, (_, i) => leaf(i));
  const root = merkleRoot(leaves, TAGS);
  root.fill(0);
  expect(merkleRoot(leaves, TAGS)).toEqual(reference(leaves));
});
