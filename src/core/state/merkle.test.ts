import { expect, test } from 'vitest';
import fc from 'fast-check';
import { sha256, taggedHasher } from '../crypto/index.ts';
import { MerkleTree, merkleCounters, merkleRoot } from './merkle.ts';

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
  const tree = new MerkleTree(TAGS);
  const leaves = Array.from({ length: 1000 }, (_, i) => leaf(i));
  expect(tree.root(leaves)).toEqual(reference(leaves));
  const before = merkleCounters.nodesHashed;
  expect(tree.root(leaves)).toEqual(reference(leaves));
  expect(merkleCounters.nodesHashed - before).toBe(0);
  leaves[517] = leaf(517, 1);
  const changed = merkleCounters.nodesHashed;
  expect(tree.root(leaves)).toEqual(reference(leaves));
  // One node per level: ⌈log2 1000⌉ = 10.
  expect(merkleCounters.nodesHashed - changed).toBeLessThanOrEqual(10);
});

test('a leaf inserted or removed re-pairs what follows it, and the root is still the tree made afresh', () => {
  const tree = new MerkleTree(TAGS);
  const leaves = Array.from({ length: 33 }, (_, i) => leaf(i));
  tree.root(leaves);
  leaves.splice(5, 0, leaf(500));
  expect(tree.root(leaves)).toEqual(reference(leaves));
  leaves.splice(20, 2);
  expect(tree.root(leaves)).toEqual(reference(leaves));
  expect(tree.root([])).toEqual(reference([]));
  expect(tree.root([leaves[3]!])).toEqual(leaves[3]);
  expect(tree.root(leaves)).toEqual(reference(leaves));
  expect(merkleRoot(leaves, TAGS)).toEqual(reference(leaves));
});

test('a root handed out can be changed by its holder without changing later roots', () => {
  const leaves = Array.from({ length: 8 }, (_, i) => leaf(i));
  const tree = new MerkleTree(TAGS);
  const root = tree.root(leaves);
  root.fill(0);
  expect(tree.root(leaves)).toEqual(reference(leaves));
  merkleRoot(leaves, TAGS).fill(0);
  expect(merkleRoot(leaves, TAGS)).toEqual(reference(leaves));
});

test('a tree holds the nodes of its last root only: 10,000 overwrites of 64 leaves keep it at 2n, not growing', () => {
  const tree = new MerkleTree(TAGS);
  const leaves = Array.from({ length: 64 }, (_, i) => leaf(i));
  tree.root(leaves);
  const held = tree.size;
  expect(held).toBe(127); // 64 + 32 + … + 1
  const before = merkleCounters.nodesHashed;
  for (let n = 1; n <= 10_000; n++) {
    leaves[(n * 37) % 64] = leaf((n * 37) % 64, n & 255);
    tree.root(leaves);
  }
  expect(tree.size).toBe(held);
  // Still one path per changed leaf: log2 64 = 6 nodes.
  expect(merkleCounters.nodesHashed - before).toBeLessThanOrEqual(6 * 10_000);
});

test('over random edits (change, insert, remove, clear), each root equals the tree made afresh', () => {
  const edit = fc.oneof(
    fc.record({ op: fc.constant('set' as const), at: fc.nat(), v: fc.nat(255) }),
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), v: fc.nat(255) }),
    fc.record({ op: fc.constant('remove' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ op: fc.constant('same' as const) }),
    fc.record({ op: fc.constant('clear' as const) }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 40 }), fc.array(edit, { maxLength: 40 }), (start, edits) => {
      const tree = new MerkleTree(TAGS);
      let leaves = Array.from({ length: start }, (_, i) => leaf(i));
      expect(tree.root(leaves)).toEqual(reference(leaves));
      for (const e of edits) {
        if (e.op === 'set' && leaves.length) leaves[e.at % leaves.length] = leaf(e.at, e.v);
        else if (e.op === 'insert') leaves.splice(e.at % (leaves.length + 1), 0, leaf(e.at, e.v));
        else if (e.op === 'remove' && leaves.length) leaves.splice(e.at % leaves.length, e.n);
        else if (e.op === 'clear') leaves = [];
        expect(tree.root(leaves)).toEqual(reference(leaves));
        // 2n − 1 nodes, plus an odd node promoted at most once per level (≤ 7 levels here).
        expect(tree.size).toBeLessThanOrEqual(2 * leaves.length + 7);
      }
    }),
    { numRuns: 200 },
  );
});
