import { taggedHasher } from '../crypto/index.ts';

export { taggedHasher };

/** Domain tags of one Merkle tree: interior nodes and the empty tree get their own. */
export interface MerkleTags {
  node: string;
  empty: string;
}

/**
 * Root over leaf hashes, RFC 6962 style: pairs hashed level by level with a node tag
 * distinct from the leaf tag (no leaf can pose as a node), an odd last node promoted
 * unchanged (the same tree as RFC 6962's split at the largest power of two), and a fixed
 * root for no leaves.
 */
export function merkleRoot(leaves: readonly Uint8Array[], tags: MerkleTags): Uint8Array {
  const node = taggedHasher(tags.node);
  if (leaves.length === 0) return taggedHasher(tags.empty)();
  let level = [...leaves];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(node(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}
