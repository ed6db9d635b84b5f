import { taggedHasher } from '../crypto/index.ts';

export { taggedHasher };

/** Domain tags of one Merkle tree: interior nodes and the empty tree get their own. */
export interface MerkleTags {
  node: string;
  empty: string;
}

/** Interior nodes hashed so far (reused ones not counted): what tests hold the reuse to. */
export const merkleCounters = { nodesHashed: 0 };

type NodeHasher = (...parts: Uint8Array[]) => Uint8Array;

const hashers = new Map<string, NodeHasher>();
function nodeHasher(tag: string): NodeHasher {
  let node = hashers.get(tag);
  if (!node) hashers.set(tag, (node = taggedHasher(tag)));
  return node;
}

/**
 * The levels of the tree over `leaves` (levels[0] a copy of the leaves, the last one the
 * root): pairs hashed level by level, an odd last node promoted unchanged. A pair whose two
 * children are, by identity, the children at the same place in `before` (the levels of an
 * earlier tree) takes that tree's parent instead of being hashed again.
 */
function buildLevels(leaves: readonly Uint8Array[], node: NodeHasher, before: readonly (readonly Uint8Array[])[]): Uint8Array[][] {
  const levels: Uint8Array[][] = [[...leaves]];
  for (let depth = 0; levels[depth]!.length > 1; depth++) {
    const level = levels[depth]!;
    const old = before[depth];
    const oldParents = before[depth + 1];
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      const left = level[i]!;
      const right = level[i + 1]!;
      // In an earlier level, a pair that fits (i + 1 < its length) was hashed, not promoted.
      if (old && oldParents && i + 1 < old.length && old[i] === left && old[i + 1] === right) next.push(oldParents[i >> 1]!);
      else {
        next.push(node(left, right));
        merkleCounters.nodesHashed++;
      }
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    levels.push(next);
  }
  return levels;
}

/**
 * Root over leaf hashes, RFC 6962 style: pairs hashed level by level with a node tag
 * distinct from the leaf tag (no leaf can pose as a node), an odd last node promoted
 * unchanged (the same tree as RFC 6962's split at the largest power of two), and a fixed
 * root for no leaves. Computed afresh; MerkleTree reuses the nodes of its previous root.
 */
export function merkleRoot(leaves: readonly Uint8Array[], tags: MerkleTags): Uint8Array {
  if (leaves.length === 0) return taggedHasher(tags.empty)();
  return buildLevels(leaves, nodeHasher(tags.node), []).at(-1)![0]!.slice();
}

/**
 * merkleRoot, again and again over one changing list of leaves (a doc's state entries): it
 * keeps the levels of its last root only, so a leaf array passed again (same identity, at the
 * same place) keeps the nodes above it and a changed leaf costs one path. What it holds is
 * about twice the last leaf count, however many roots came before: old leaves and nodes are
 * let go. Leaves must not be written to once passed: identity stands for content.
 */
export class MerkleTree {
  readonly #tags: MerkleTags;
  readonly #node: NodeHasher;
  #levels: Uint8Array[][] = [];

  constructor(tags: MerkleTags) {
    this.#tags = tags;
    this.#node = nodeHasher(tags.node);
  }

  root(leaves: readonly Uint8Array[]): Uint8Array {
    if (leaves.length === 0) {
      this.#levels = [];
      return taggedHasher(this.#tags.empty)();
    }
    this.#levels = buildLevels(leaves, this.#node, this.#levels);
    // A copy: the caller may keep or change the root; the kept nodes must stay as made.
    return this.#levels.at(-1)![0]!.slice();
  }

  /** Hashes held (leaves and nodes of the last root, a promoted one counted per level). */
  get size(): number {
    let n = 0;
    for (const level of this.#levels) n += level.length;
    return n;
  }
}
