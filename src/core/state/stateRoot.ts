import type * as Y from 'yjs';
import { string, encodeWith } from '../codec/index.ts';
import { concatBytes, taggedHash } from '../crypto/index.ts';
import { encodeValue } from './canonicalValue.ts';
import { STATE_LIMITS, StateLayoutError, checkKey, compareUtf8 } from './layout.ts';
import { merkleRoot } from './merkle.ts';
import { readStateEntries, type EncodedEntry } from './stateEntries.ts';

const LEAF_TAG = 'tabnode/state-leaf/v1';
const TREE_TAGS = { node: 'tabnode/state-node/v1', empty: 'tabnode/state-empty/v1' } as const;
const keyField = string(STATE_LIMITS.keyBytes);

/**
 * The state root of a context's doc: a Merkle root over its state entries sorted by key,
 * each leaf `taggedHash('tabnode/state-leaf/v1', key as codec string ‖ canonical value)`.
 * Independent of Yjs bytes, client ids and update order: only what the map holds counts.
 */
export function stateRoot(doc: Y.Doc): Uint8Array {
  return rootOfSorted(readStateEntries(doc));
}

/** The same root over plain entries (e.g. an expected state in tests, or a runtime's view). */
export function entriesRoot(entries: Iterable<readonly [string, unknown]>): Uint8Array {
  const encoded: EncodedEntry[] = [];
  for (const [key, value] of entries) encoded.push({ key: checkKey(key), value: encodeValue(value) });
  encoded.sort((a, b) => compareUtf8(a.key, b.key));
  for (let i = 1; i < encoded.length; i++) {
    if (encoded[i - 1]!.key === encoded[i]!.key) {
      throw new StateLayoutError('bad-key', `key ${JSON.stringify(encoded[i]!.key)} appears twice; a state has one value per key`);
    }
  }
  return rootOfSorted(encoded);
}

/** The leaf hash of one entry, for proofs of a single key. */
export function stateLeaf(key: string, value: unknown): Uint8Array {
  return leafHash({ key: checkKey(key), value: encodeValue(value) });
}

function rootOfSorted(entries: readonly EncodedEntry[]): Uint8Array {
  return merkleRoot(entries.map(leafHash), TREE_TAGS);
}

function leafHash(entry: EncodedEntry): Uint8Array {
  return taggedHash(LEAF_TAG, concatBytes(encodeWith(keyField, entry.key), entry.value));
}
