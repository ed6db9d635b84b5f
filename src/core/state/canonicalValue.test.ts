import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { DecodeError } from '../codec/index.ts';
import { decodeValue, encodeValue, normalizeValue } from './canonicalValue.ts';
import { STATE_LIMITS, StateLayoutError, checkKey, compareUtf8, type JsonValue } from './layout.ts';

const json = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonValue>;
const hasProtoKey = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && (Object.hasOwn(v, '__proto__') || Object.values(v).some(hasProtoKey));

function problem(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof StateLayoutError) return e.problem;
    if (e instanceof DecodeError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('canonical value encoding', () => {
  test('fixed bytes for each kind', () => {
    expect([...encodeValue(null)]).toEqual([0]);
    expect([...encodeValue(false)]).toEqual([1]);
    expect([...encodeValue(true)]).toEqual([2]);
    expect([...encodeValue(1)]).toEqual([3, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0]);
    expect([...encodeValue('hé')]).toEqual([4, 3, 0x68, 0xc3, 0xa9]);
    expect([...encodeValue([null, true])]).toEqual([5, 2, 0, 2]);
    expect([...encodeValue({ b: null, a: false })]).toEqual([6, 2, 1, 0x61, 1, 1, 0x62, 0]);
  });

  test('object key order and -0 do not matter; the value does', () => {
    expect(encodeValue({ x: 1, y: [0] })).toEqual(encodeValue({ y: [-0], x: 1 }));
    expect(encodeValue({ x: 1 })).not.toEqual(encodeValue({ x: 1.0000000001 }));
    expect(encodeValue('1')).not.toEqual(encodeValue(1));
    expect(Object.is(normalizeValue(-0), 0)).toBe(true);
    expect(Object.keys(normalizeValue({ b: 1, a: 2, '\u{1F600}': 3, '\uE000': 4 }) as object)).toEqual(['a', 'b', '\uE000', '\u{1F600}']);
  });

  test('round trip: decode(encode(v)) is v normalised, and encoding is a function of the value', () => {
    fc.assert(
      fc.property(json, (v) => {
        fc.pre(!hasProtoKey(v));
        const bytes = encodeValue(v);
        const back = decodeValue(bytes);
        expect(encodeValue(back)).toEqual(bytes);
        expect(back).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });

  test('refuses what is not JSON, with a reason', () => {
    expect(problem(() => encodeValue(NaN))).toBe('non-finite-number');
    expect(problem(() => encodeValue([Infinity]))).toBe('non-finite-number');
    expect(problem(() => encodeValue(undefined))).toBe('not-json');
    expect(problem(() => encodeValue({ a: undefined }))).toBe('not-json');
    expect(problem(() => encodeValue(1n))).toBe('not-json');
    expect(problem(() => encodeValue(new Uint8Array(1)))).toBe('not-json');
    expect(problem(() => encodeValue(new Date(0)))).toBe('not-json');
    expect(problem(() => encodeValue([, 1]))).toBe('not-json');
    expect(problem(() => encodeValue('\uD800'))).toBe('not-json');
    expect(problem(() => encodeValue(JSON.parse('{"__proto__": 1}')))).toBe('reserved-key');
    expect(encodeValue(Object.assign(Object.create(null), { a: 1 }))).toEqual(encodeValue({ a: 1 }));
  });

  test('refuses a value whose prototype names no usable constructor (found by fuzz/)', () => {
    // Yjs decodes a "__proto__" key into a prototype; this one's constructor.name has no
    // string form, and building the reason threw a TypeError instead of StateLayoutError.
    const value = Object.create({ constructor: { name: Object.create(null) } });
    expect(problem(() => encodeValue(value))).toBe('not-json');
    expect(problem(() => encodeValue(Object.create({ constructor: null })))).toBe('not-json');
  });

  test('bounded: size and depth', () => {
    expect(problem(() => encodeValue('x'.repeat(STATE_LIMITS.valueBytes)))).toBe('too-large');
    expect(problem(() => encodeValue(Array.from({ length: 8000 }, () => 1)))).toBe('too-large');
    expect(encodeValue('x'.repeat(STATE_LIMITS.valueBytes - 8)).length).toBeLessThanOrEqual(STATE_LIMITS.valueBytes);
    let deep: unknown = 1;
    for (let i = 0; i < STATE_LIMITS.depth; i++) deep = [deep];
    expect(problem(() => encodeValue(deep))).toBe('no error');
    expect(problem(() => encodeValue([deep]))).toBe('too-deep');
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(problem(() => encodeValue(cyclic))).toBe('too-deep');
  });

  test('decoding refuses every non-canonical or malformed form', () => {
    expect(problem(() => decodeValue(new Uint8Array([3, 0x80, 0, 0, 0, 0, 0, 0, 0])))).toBe('non-canonical'); // -0
    expect(problem(() => decodeValue(new Uint8Array([3, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0])))).toBe('invalid-value'); // NaN
    expect(problem(() => decodeValue(new Uint8Array([6, 2, 1, 0x62, 0, 1, 0x61, 0])))).toBe('non-canonical'); // b before a
    expect(problem(() => decodeValue(new Uint8Array([6, 2, 1, 0x61, 0, 1, 0x61, 0])))).toBe('non-canonical'); // a twice
    expect(problem(() => decodeValue(new Uint8Array([7])))).toBe('bad-tag');
    expect(problem(() => decodeValue(new Uint8Array([0, 0])))).toBe('trailing-bytes');
    expect(problem(() => decodeValue(new Uint8Array([5, 100, 0])))).toBe('truncated');
    expect(problem(() => decodeValue(new Uint8Array(STATE_LIMITS.valueBytes + 1)))).toBe('too-long');
    const protoKey = new Uint8Array([6, 1, 9, ...new TextEncoder().encode('__proto__'), 0]);
    expect(problem(() => decodeValue(protoKey))).toBe('invalid-value');
  });
});

describe('keys', () => {
  test('compareUtf8 is the byte order of UTF-8', () => {
    const utf8 = new TextEncoder();
    const bytesOrder = (a: string, b: string) => {
      const x = utf8.encode(a);
      const y = utf8.encode(b);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return x.length - y.length;
    };
    const text = fc.string({ unit: fc.constantFrom('a', 'z', '\u00e9', '\uD7FF', '\uE000', '\uFFFF', '\u{10000}', '\u{1F600}', '\u{10FFFF}') });
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(bytesOrder(a, b)));
      }),
    );
  });

  test('checkKey bounds keys by UTF-8 bytes and refuses lone surrogates', () => {
    expect(checkKey('é'.repeat(128))).toHaveLength(128);
    expect(problem(() => checkKey('é'.repeat(129)))).toBe('key-too-long');
    expect(problem(() => checkKey('\uDC00'))).toBe('bad-key');
    expect(problem(() => checkKey(7))).toBe('bad-key');
    expect(checkKey('')).toBe('');
  });
});
