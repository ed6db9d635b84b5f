import { taggedHasher } from '../crypto/index.ts';

export { taggedHasher };

/** Domain tags of one Merkle tree: interior nodes and the empty tree get their own. */
export interface MerkleTags {
  node: string;
  empty: string;
}

/** Interior nodes hashed so far (remembered ones not counted): what tests hold the reuse to. */
export const merkleCounters = { nodesHashed: 0 };

/** Per node tag: its hasher, and the last parent computed for each left child (by identity). */
const trees = new Map<string, { node: (...parts: Uint8Array[]) => Uint8Array; parents: WeakMap<Uint8Array, { right: Uint8Array; hash: Uint8Array }> }>();

/**
 * Root over leaf hashes, RFC 6962 style: pairs hashed level by level with a node tag
 * distinct from the leaf tag (no leaf can pose as a node), an odd last node promoted
 * unchanged (the same tree as RFC 6962's split at the largest power of two), and a fixed
 * root for no leaves.
 *
 * Interior nodes are remembered by the identity of their two children: a caller passing the
 * same leaf arrays again (stateRoot caches each item's leaf) recomputes only the paths above
 * the leaves that changed, not the whole tree (the view's state root after each write).
 * Leaf and node hashes are never written to once made, so identity stands for content.
 */
export function merkleRoot(leaves: readonly Uint8Array[], tags: MerkleTags): Uint8Array {
  if (leaves.length === 0) return taggedHasher(tags.empty)();
  let tree = trees.get(tags.node);
  if (!tree) trees.set(tags.node, (tree = { node: taggedHasher(tags.node), parents: new WeakMap() }));
  const { node, parents } = tree;
  let level = [...leaves];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      const left = level[i]!;
      const right = level[i + 1]!;
      const known = parents.get(left);
      if (known && known.right === right) next.push(known.hash);
      else {
        const hash = node(left, right);
        merkleCounters.nodesHashed++;
        parents.set(left, { right, hash });
        next.push(hash);
      }
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  // A copy: the caller may keep or change the root; the remembered nodes must stay as made.
  return level[0]!.slice();
}
