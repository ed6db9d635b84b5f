import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  DecodeError,
  EncodeError,
  bool,
  bytes,
  envelope,
  fixedBytes,
  list,
  oneOf,
  optional,
  string,
  struct,
  taggedUnion,
  varuint,
  type DecodeErrorCode,
} from './index.ts';

const sample = envelope(
  7,
  1,
  1024,
  struct({
    n: varuint,
    flag: bool,
    key: fixedBytes(4),
    blob: bytes(16),
    name: string(32),
    tags: list(string(8), 4),
    note: optional(string(8)),
    color: oneOf(['red', 'green'] as const),
    proof: taggedUnion({ a: struct({ x: varuint }), b: struct({ y: bytes(4) }) }),
  }),
);

const value = {
  n: 300,
  flag: true,
  key: new Uint8Array([1, 2, 3, 4]),
  blob: new Uint8Array([9, 9]),
  name: 'tabnode ✓',
  tags: ['a', 'bc'],
  note: undefined,
  color: 'green' as const,
  proof: { kind: 'b' as const, y: new Uint8Array([5]) },
};

function codeOf(fn: () => unknown): DecodeErrorCode | 'no-error' {
  try {
    fn();
    return 'no-error';
  } catch (e) {
    if (e instanceof DecodeError) return e.code;
    throw e;
  }
}

describe('codec', () => {
  test('round-trips a value', () => {
    const encoded = sample.encode(value);
    expect(encoded[0]).toBe(7);
    expect(encoded[1]).toBe(1);
    expect(sample.decode(encoded)).toEqual(value);
  });

  test('varuint round-trips every safe integer and is canonical', () => {
    const codec = envelope(1, 1, 16, struct({ n: varuint }));
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        const bytes = codec.encode({ n });
        expect(codec.decode(bytes).n).toBe(n);
        expect(bytes.length).toBeLessThanOrEqual(2 + 8);
      }),
    );
  });

  test('refuses non-minimal integers, oversized integers and bad booleans', () => {
    const codec = envelope(1, 1, 16, struct({ n: varuint }));
    expect(codeOf(() => codec.decode(new Uint8Array([1, 1, 0x80, 0x00])))).toBe('non-canonical');
    expect(codeOf(() => codec.decode(new Uint8Array([1, 1, 0x85, 0x00])))).toBe('non-canonical');
    const nineBytes = [1, 1, ...new Array(8).fill(0xff), 0x01];
    expect(codeOf(() => codec.decode(new Uint8Array(nineBytes)))).toBe('invalid-value');
    const past53 = [1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
    expect(codeOf(() => codec.decode(new Uint8Array(past53)))).toBe('invalid-value');
    const flag = envelope(1, 1, 16, struct({ b: bool }));
    expect(codeOf(() => flag.decode(new Uint8Array([1, 1, 2])))).toBe('non-canonical');
  });

  test('refuses every truncation of a valid encoding', () => {
    const encoded = sample.encode(value);
    for (let cut = 0; cut < encoded.length; cut++) {
      expect(codeOf(() => sample.decode(encoded.subarray(0, cut)))).not.toBe('no-error');
    }
  });

  test('refuses trailing bytes, wrong tags and unknown versions', () => {
    const encoded = sample.encode(value);
    expect(codeOf(() => sample.decode(new Uint8Array([...encoded, 0])))).toBe('trailing-bytes');
    expect(codeOf(() => sample.decode(new Uint8Array([8, ...encoded.subarray(1)])))).toBe('bad-tag');
    expect(codeOf(() => sample.decode(new Uint8Array([7, 2, ...encoded.subarray(2)])))).toBe('bad-version');
  });

  test('checks declared lengths against bounds and the input before allocating', () => {
    const blob = envelope(1, 1, 64, struct({ b: bytes(16) }));
    // declares 17 bytes: over the schema bound
    expect(codeOf(() => blob.decode(new Uint8Array([1, 1, 17, ...new Array(17).fill(0)])))).toBe('too-long');
    // declares 2^40 bytes: refused at the bound, not by allocating
    expect(codeOf(() => blob.decode(new Uint8Array([1, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20])))).toBe('too-long');
    const big = envelope(1, 1, 64, struct({ b: bytes(Number.MAX_SAFE_INTEGER) }));
    expect(codeOf(() => big.decode(new Uint8Array([1, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20])))).toBe('truncated');
    const items = envelope(1, 1, 64, struct({ l: list(varuint, 1_000_000) }));
    expect(codeOf(() => items.decode(new Uint8Array([1, 1, 0xc0, 0x84, 0x3d])))).toBe('truncated');
    expect(codeOf(() => sample.decode(new Uint8Array(1025)))).toBe('too-long');
  });

  test('refuses invalid UTF-8 and unknown choices', () => {
    const text = envelope(1, 1, 64, struct({ s: string(16) }));
    expect(codeOf(() => text.decode(new Uint8Array([1, 1, 2, 0xc3, 0x28])))).toBe('invalid-value');
    const choice = envelope(1, 1, 64, struct({ c: oneOf(['x'] as const) }));
    expect(codeOf(() => choice.decode(new Uint8Array([1, 1, 1])))).toBe('bad-tag');
  });

  test('never throws anything but DecodeError on random input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => {
        const input = junk.length >= 2 ? new Uint8Array([7, 1, ...junk.subarray(2)]) : junk;
        try {
          sample.decode(input);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('encoding refuses values its schema cannot hold', () => {
    expect(() => sample.encode({ ...value, blob: new Uint8Array(17) })).toThrow(EncodeError);
    expect(() => sample.encode({ ...value, name: 'x'.repeat(33) })).toThrow(EncodeError);
    expect(() => sample.encode({ ...value, name: '\ud800' })).toThrow(EncodeError);
    expect(() => sample.encode({ ...value, n: -1 })).toThrow(EncodeError);
    expect(() => sample.encode({ ...value, n: 1.5 })).toThrow(EncodeError);
  });
});
