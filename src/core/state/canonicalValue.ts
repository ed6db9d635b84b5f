import { DecodeError, createReader, createWriter, expectEnd, finish, fixedBytes, string, u8, varuint, type Reader, type Writer } from '../codec/index.ts';
import { STATE_LIMITS, StateLayoutError, compareUtf8, type JsonValue } from './layout.ts';

/*
 * Canonical binary encoding of a state value: one byte string per JSON value, so hashes of
 * values agree on every peer whatever Yjs or the JavaScript engine did to them.
 *
 *   0 null | 1 false | 2 true
 *   3 number: 8 bytes IEEE-754 float64 big-endian; -0 is written as 0; NaN and ±Infinity refused
 *   4 string: varuint UTF-8 length, UTF-8 bytes
 *   5 array:  varuint count, items
 *   6 object: varuint count, then (string key, value) pairs, keys strictly ascending by UTF-8 bytes
 *
 * Why our own bytes and not canonical JSON: no escaping rules or number printing to agree
 * on, and it reuses the codec's bounded readers.
 */
const NULL = 0;
const FALSE = 1;
const TRUE = 2;
const NUMBER = 3;
const STRING = 4;
const ARRAY = 5;
const OBJECT = 6;

const f64 = fixedBytes(8);
const text = string(STATE_LIMITS.valueBytes);

/** Canonical bytes of a value; throws StateLayoutError if it is not a state value or is too big. */
export function encodeValue(value: unknown): Uint8Array {
  const w = createWriter();
  put(w, value, 0);
  if (w.len > STATE_LIMITS.valueBytes) throw tooLarge();
  return finish(w);
}

/** Read canonical bytes back into a fresh plain value (objects with sorted keys). Throws DecodeError. */
export function decodeValue(input: Uint8Array): JsonValue {
  if (input.length > STATE_LIMITS.valueBytes) {
    throw new DecodeError('too-long', `value of ${input.length} bytes is over the limit of ${STATE_LIMITS.valueBytes}`, 0);
  }
  const r = createReader(input);
  const value = get(r, 0);
  expectEnd(r);
  return value;
}

/** A checked, fresh copy of a value in its canonical shape (-0 becomes 0, object keys sorted). */
export function normalizeValue(value: unknown): JsonValue {
  return decodeValue(encodeValue(value));
}

function put(w: Writer, v: unknown, depth: number): void {
  if (w.len > STATE_LIMITS.valueBytes) throw tooLarge(); // stop early on huge input
  if (v === null) return u8.encode(w, NULL);
  switch (typeof v) {
    case 'boolean':
      return u8.encode(w, v ? TRUE : FALSE);
    case 'number':
      if (!Number.isFinite(v)) throw new StateLayoutError('non-finite-number', `${v} is not a JSON number`);
      u8.encode(w, NUMBER);
      return f64.encode(w, float64(v === 0 ? 0 : v));
    case 'string':
      if (!v.isWellFormed()) throw new StateLayoutError('not-json', 'a string in a value has lone surrogates');
      if (v.length > STATE_LIMITS.valueBytes) throw tooLarge();
      u8.encode(w, STRING);
      try {
        return text.encode(w, v);
      } catch {
        throw tooLarge();
      }
    case 'object':
      break;
    default:
      throw new StateLayoutError('not-json', `a value of type ${typeof v} is not JSON`);
  }
  if (depth >= STATE_LIMITS.depth) throw new StateLayoutError('too-deep', `values nest at most ${STATE_LIMITS.depth} levels`);
  if (Array.isArray(v)) {
    u8.encode(w, ARRAY);
    varuint.encode(w, v.length);
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) throw new StateLayoutError('not-json', 'sparse arrays are not JSON');
      put(w, v[i], depth + 1);
    }
    return;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    // The name comes from the value's prototype chain, which a decoded update can shape: use it only if it is text.
    const name: unknown = (v as object).constructor?.name;
    throw new StateLayoutError('not-json', `a ${typeof name === 'string' ? name : 'class instance'} is not a plain JSON object`);
  }
  if (Object.getOwnPropertySymbols(v).length > 0) throw new StateLayoutError('not-json', 'symbol keys are not JSON');
  const keys = Object.keys(v).sort(compareUtf8);
  u8.encode(w, OBJECT);
  varuint.encode(w, keys.length);
  for (const key of keys) {
    if (key === '__proto__') throw reservedKey();
    if (!key.isWellFormed()) throw new StateLayoutError('not-json', 'an object key in a value has lone surrogates');
    text.encode(w, key);
    put(w, (v as Record<string, unknown>)[key], depth + 1);
  }
}

function get(r: Reader, depth: number): JsonValue {
  const at = r.pos;
  const tag = u8.decode(r);
  switch (tag) {
    case NULL:
      return null;
    case FALSE:
      return false;
    case TRUE:
      return true;
    case NUMBER: {
      const n = new DataView(f64.decode(r).buffer).getFloat64(0, false);
      if (!Number.isFinite(n)) throw new DecodeError('invalid-value', 'NaN and Infinity are not state values', at);
      if (Object.is(n, -0)) throw new DecodeError('non-canonical', '-0 is written as 0', at);
      return n;
    }
    case STRING:
      return text.decode(r);
  }
  if (tag !== ARRAY && tag !== OBJECT) throw new DecodeError('bad-tag', `unknown value tag ${tag}`, at);
  if (depth >= STATE_LIMITS.depth) throw new DecodeError('too-long', `values nest at most ${STATE_LIMITS.depth} levels`, at);
  const countAt = r.pos;
  const count = varuint.decode(r);
  // Every item takes at least one byte (two per object entry): refuse counts the input cannot hold.
  if (count * (tag === OBJECT ? 2 : 1) > r.bytes.length - r.pos) {
    throw new DecodeError('truncated', `count ${count} is more than the bytes left`, countAt);
  }
  if (tag === ARRAY) {
    const out: JsonValue[] = [];
    for (let i = 0; i < count; i++) out.push(get(r, depth + 1));
    return out;
  }
  const out: { [key: string]: JsonValue } = {};
  let previous: string | undefined;
  for (let i = 0; i < count; i++) {
    const keyAt = r.pos;
    const key = text.decode(r);
    if (key === '__proto__') throw new DecodeError('invalid-value', 'the key "__proto__" is reserved', keyAt);
    if (previous !== undefined && compareUtf8(previous, key) >= 0) {
      throw new DecodeError('non-canonical', 'object keys must be sorted and unique', keyAt);
    }
    previous = key;
    out[key] = get(r, depth + 1);
  }
  return out;
}

function float64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, n, false);
  return out;
}

function tooLarge(): StateLayoutError {
  return new StateLayoutError('too-large', `value is over ${STATE_LIMITS.valueBytes} bytes in canonical form; split it over several keys`);
}

function reservedKey(): StateLayoutError {
  return new StateLayoutError('reserved-key', 'the object key "__proto__" cannot be stored: Yjs would read it back as a prototype');
}
