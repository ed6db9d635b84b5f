import * as Y from 'yjs';
import { encodeWith, string } from '../codec/index.ts';
import { encodeValue } from './canonicalValue.ts';
import { STATE_LIMITS, StateLayoutError, checkKey, compareUtf8, shownItemsSorted } from './layout.ts';
import { MerkleTree, merkleRoot, taggedHasher } from './merkle.ts';

const leafHash = taggedHasher('tabnode/state-leaf/v1');
const TREE_TAGS = { node: 'tabnode/state-node/v1', empty: 'tabnode/state-empty/v1' } as const;
const keyField = string(STATE_LIMITS.keyBytes);

interface Leaf {
  key: string;
  hash: Uint8Array;
}

/**
 * The state root of a context's doc: a Merkle root over its state entries sorted by key
 * (UTF-8 byte order), each leaf `taggedHash('tabnode/state-leaf/v1', key as a codec string
 * (varuint length, UTF-8) ‖ canonical value)`. Independent of Yjs bytes, client ids and
 * update order: only what the map shows counts (structs Yjs holds back as pending do not).
 * Throws StateLayoutError, naming the key, if the map holds anything the layout forbids.
 */
export function stateRoot(doc: Y.Doc): Uint8Array {
  let cache = caches.get(doc);
  if (!cache) caches.set(doc, (cache = { leaves: new Map(), tree: new MerkleTree(TREE_TAGS) }));
  // The map's own index (what Y.Map.forEach reads): key → its last item, shown unless
  // deleted; its keys are distinct, already sorted here.
  const shown = shownItemsSorted(doc);
  const leaves = shown.map(([key, item]) => itemLeaf(cache.leaves, key, item));
  // Keys no longer shown: their leaves go (each shown key's entry was just set or kept).
  if (cache.leaves.size > shown.length) {
    const now = new Set(shown.map(([key]) => key));
    for (const key of cache.leaves.keys()) if (!now.has(key)) cache.leaves.delete(key);
  }
  return cache.tree.root(leaves);
}

/**
 * What stateRoot keeps for a doc between calls, as counts: one leaf per shown key, and the
 * levels of its last tree. Bounded by the keys shown now, not by how often they were written.
 */
export function stateRootCacheSize(doc: Y.Doc): { leaves: number; nodes: number } {
  const cache = caches.get(doc);
  return { leaves: cache?.leaves.size ?? 0, nodes: cache?.tree.size ?? 0 };
}

/** The same root over plain entries (an expected state in tests, or a runtime's view). */
export function entriesRoot(entries: Iterable<readonly [string, unknown]>): Uint8Array {
  const leaves: Leaf[] = [];
  for (const [key, value] of entries) leaves.push({ key, hash: stateLeaf(key, value) });
  return rootOf(leaves);
}

/** The leaf hash of one entry, for proofs about a single key. */
export function stateLeaf(key: string, value: unknown): Uint8Array {
  return leafHash(encodeWith(keyField, checkKey(key)), encodeValue(value));
}

function rootOf(leaves: Leaf[]): Uint8Array {
  leaves.sort((a, b) => compareUtf8(a.key, b.key));
  for (let i = 1; i < leaves.length; i++) {
    if (leaves[i - 1]!.key === leaves[i]!.key) {
      throw new StateLayoutError('bad-key', `key ${JSON.stringify(leaves[i]!.key.slice(0, 80))} appears twice; a state has one value per key`);
    }
  }
  return merkleRoot(
    leaves.map((l) => l.hash),
    TREE_TAGS,
  );
}

/**
 * Per doc: the leaf of each shown key with the item it was computed from, and the tree of the
 * last root. Keyed by key, not by item: an overwritten key's old item stays in the doc as a
 * tombstone for the doc's life, and a cache keyed by items would keep its leaf (and the nodes
 * above it) as long. An integrated item's key and value never change while it is shown (Yjs
 * replaces content only once deleted, and a split hands the map a new item), so a key's leaf
 * is computed again only when the map shows another item (or the same one split) for it.
 */
const caches = new WeakMap<Y.Doc, { leaves: Map<string, { item: Y.Item; length: number; hash: Uint8Array }>; tree: MerkleTree }>();

function itemLeaf(leaves: Map<string, { item: Y.Item; length: number; hash: Uint8Array }>, key: string, item: Y.Item): Uint8Array {
  const cached = leaves.get(key);
  if (cached && cached.item === item && cached.length === item.length) return cached.hash;
  const value: unknown = item.content.getContent()[item.length - 1];
  let hash;
  try {
    if (value instanceof Y.AbstractType) throw new StateLayoutError('foreign-content', 'a nested Yjs type is not a state value');
    hash = stateLeaf(key, value);
  } catch (e) {
    if (e instanceof StateLayoutError) throw new StateLayoutError(e.problem, `state key ${JSON.stringify(key.slice(0, 80))}: ${e.message}`);
    throw e;
  }
  leaves.set(key, { item, length: item.length, hash });
  return hash;
}
