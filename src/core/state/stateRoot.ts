import * as Y from 'yjs';
import { encodeWith, string } from '../codec/index.ts';
import { encodeValue } from './canonicalValue.ts';
import { STATE_LIMITS, StateLayoutError, checkKey, compareUtf8, shownItemsSorted } from './layout.ts';
import { merkleRoot, taggedHasher } from './merkle.ts';

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
  // The map's own index (what Y.Map.forEach reads): key → its last item, shown unless
  // deleted; its keys are distinct, already sorted here.
  return merkleRoot(
    shownItemsSorted(doc).map(([key, item]) => itemLeaf(key, item)),
    TREE_TAGS,
  );
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

// An integrated item's key and value never change while it is shown (Yjs replaces content
// only once deleted, and a split hands the map a new item), so its leaf is computed once.
const leafCache = new WeakMap<Y.Item, { length: number; hash: Uint8Array }>();

function itemLeaf(key: string, item: Y.Item): Uint8Array {
  const cached = leafCache.get(item);
  if (cached && cached.length === item.length) return cached.hash;
  const value: unknown = item.content.getContent()[item.length - 1];
  let hash;
  try {
    if (value instanceof Y.AbstractType) throw new StateLayoutError('foreign-content', 'a nested Yjs type is not a state value');
    hash = stateLeaf(key, value);
  } catch (e) {
    if (e instanceof StateLayoutError) throw new StateLayoutError(e.problem, `state key ${JSON.stringify(key.slice(0, 80))}: ${e.message}`);
    throw e;
  }
  leafCache.set(item, { length: item.length, hash });
  return hash;
}
