import * as Y from 'yjs';
import { decodeValue, encodeValue } from './canonicalValue.ts';
import { StateLayoutError, checkKey, shownItemsSorted, type JsonValue, type StateEntry } from './layout.ts';

// An integrated item's key and value never change while it is shown (Yjs replaces content
// only once deleted, and a split hands the map a new item), so its value is normalised once.
const normalised = new WeakMap<Y.Item, { length: number; value: JsonValue }>();

/**
 * readKv's entries (sorted by UTF-8 key, values normalised as stored), each value decoded
 * once per Yjs item rather than on every read: a view redrawn after each change costs a walk
 * of the keys, not a canonical encode and decode of every value. The values are shared
 * between calls: read them, never change them.
 */
export function readKvShared(doc: Y.Doc): StateEntry[] {
  return shownItemsSorted(doc).map(([key, item]): StateEntry => {
    let cached = normalised.get(item);
    if (!cached || cached.length !== item.length) {
      cached = { length: item.length, value: normalise(key, item.content.getContent()[item.length - 1]) };
      normalised.set(item, cached);
    }
    return [key, cached.value];
  });
}

function normalise(key: string, value: unknown): JsonValue {
  try {
    checkKey(key);
    if (value instanceof Y.AbstractType) throw new StateLayoutError('foreign-content', 'a nested Yjs type is not a state value');
    return decodeValue(encodeValue(value));
  } catch (e) {
    if (e instanceof StateLayoutError) throw new StateLayoutError(e.problem, `state key ${JSON.stringify(key.slice(0, 80))}: ${e.message}`);
    throw e;
  }
}
