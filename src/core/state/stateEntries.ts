import * as Y from 'yjs';
import { encodeValue } from './canonicalValue.ts';
import { StateLayoutError, checkKey, compareUtf8, stateMap } from './layout.ts';

/** One entry with its value in canonical bytes (what the state root hashes). */
export interface EncodedEntry {
  key: string;
  value: Uint8Array;
}

/**
 * The entries of the state map, sorted by key (UTF-8 byte order), values in canonical bytes.
 * Reads only content Yjs has integrated: structs still waiting for a missing dependency are
 * not in the map. Throws StateLayoutError (naming the key) if the map holds anything the
 * layout does not allow; materialize.ts never lets such an update in.
 */
export function readStateEntries(doc: Y.Doc): EncodedEntry[] {
  const out: EncodedEntry[] = [];
  // forEach, not toJSON: toJSON builds a plain object, where a key "__proto__" would vanish.
  stateMap(doc).forEach((value, key) => {
    try {
      checkKey(key);
      if (value instanceof Y.AbstractType) throw new StateLayoutError('foreign-content', 'a nested Yjs type is not a state value');
      out.push({ key, value: encodeValue(value) });
    } catch (e) {
      if (e instanceof StateLayoutError) throw new StateLayoutError(e.problem, `state key ${JSON.stringify(key.slice(0, 80))}: ${e.message}`);
      throw e;
    }
  });
  return out.sort((a, b) => compareUtf8(a.key, b.key));
}
