import * as Y from 'yjs';

/**
 * The shared state layout (see README): a context's application state is the Y.Map named
 * `state` of its Y.Doc, string keys to JSON-like values. The built-in `kv` writer and the
 * WASM runtime both write there; the state root hashes exactly this map.
 */
export const STATE_MAP = 'state';

export const STATE_LIMITS = {
  /** A key's UTF-8 length. */
  keyBytes: 256,
  /** A value's canonical encoding (canonicalValue.ts); about its JSON size. */
  valueBytes: 64 * 1024,
  /** Nesting of arrays and objects inside one value. */
  depth: 32,
} as const;

/** What a state value may be: JSON without NaN/Infinity (and -0 reads as 0). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One entry of the state, as readers see it. */
export type StateEntry = readonly [key: string, value: JsonValue];

export type StateLayoutProblem =
  | 'bad-key' // not a string, or lone surrogates (Yjs would store U+FFFD instead)
  | 'key-too-long'
  | 'not-json' // undefined, bigint, binary, class instances, sparse arrays, symbols…
  | 'non-finite-number'
  | 'reserved-key' // "__proto__" inside a value: Yjs's decoder turns it into a prototype
  | 'too-deep'
  | 'too-large'
  | 'foreign-content' // Yjs content other than plain values (nested types, text, binary)
  | 'outside-state-map' // a struct in another root type or in the map's list part
  | 'malformed-update';

/** Content that does not fit the shared state layout. */
export class StateLayoutError extends Error {
  override readonly name = 'StateLayoutError';
  constructor(
    readonly problem: StateLayoutProblem,
    message: string,
  ) {
    super(message);
  }
}

const utf8 = new TextEncoder();

/** Check a state key; returns it typed. */
export function checkKey(key: unknown): string {
  if (typeof key !== 'string') throw new StateLayoutError('bad-key', `a state key is a string, got ${typeof key}`);
  if (!key.isWellFormed()) throw new StateLayoutError('bad-key', 'a state key must not contain lone surrogates');
  // A UTF-16 unit is at most 3 UTF-8 bytes: most keys fit without being encoded.
  if (key.length * 3 <= STATE_LIMITS.keyBytes) return key;
  const length = utf8.encode(key).length;
  if (length > STATE_LIMITS.keyBytes) {
    throw new StateLayoutError('key-too-long', `key of ${length} UTF-8 bytes is over the limit of ${STATE_LIMITS.keyBytes}`);
  }
  return key;
}

/** The state map of a context's doc. */
export function stateMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(STATE_MAP);
}

/**
 * Order of strings by their UTF-8 bytes (= code point order), without encoding them.
 * JavaScript's `<` compares UTF-16 units, which puts U+E000–U+FFFF after astral characters.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

// Surrogates stand for code points above U+FFFF: move them past U+E000–U+FFFF.
function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** Per state map (its key index): the last order of its shown keys, and each key's place in it. */
const orders = new WeakMap<Map<string, Y.Item>, { index: Map<string, number> }>();

/**
 * The state map's shown entries (items not deleted) sorted by UTF-8 key. The order is kept
 * between calls while the set of shown keys stays the same, so a view after each write (the
 * state root, the entries) places keys instead of sorting them again.
 */
export function shownItemsSorted(doc: Y.Doc): [string, Y.Item][] {
  const map = stateMap(doc)._map;
  const shown: [string, Y.Item][] = [];
  map.forEach((item, key) => {
    if (!item.deleted) shown.push([key, item]);
  });
  const order = orders.get(map);
  // A map's keys are distinct: as many as before, each with a place, is the same set.
  if (order && order.index.size === shown.length) {
    const out: [string, Y.Item][] = new Array(shown.length);
    let same = true;
    for (const entry of shown) {
      const at = order.index.get(entry[0]);
      if (at === undefined) {
        same = false;
        break;
      }
      out[at] = entry;
    }
    if (same) return out;
  }
  shown.sort((a, b) => compareUtf8(a[0], b[0]));
  orders.set(map, { index: new Map(shown.map(([key], i) => [key, i])) });
  return shown;
}
