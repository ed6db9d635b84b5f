import fc from 'fast-check';
import { expect, test } from 'vitest';
import { fromHex, fromLowercaseHex, toHex } from './bytes.ts';

test('hex round-trips any bytes, and fromHex reads either case', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const hex = toHex(bytes);
      expect(hex).toMatch(/^[0-9a-f]*$/);
      expect(fromHex(hex)).toEqual(bytes);
      expect(fromHex(hex.toUpperCase())).toEqual(bytes);
      expect(fromLowercaseHex(hex)).toEqual(bytes);
    }),
  );
});

test('anything but hex digits in pairs is refused', () => {
  for (const bad of ['a', 'abc', 'zz', '0g', '0x', ' 0', '０0', 'é0', '\u0130a', '-1']) {
    expect(() => fromHex(bad)).toThrow(TypeError);
    expect(fromLowercaseHex(bad)).toBeUndefined();
  }
  expect(fromLowercaseHex('AB')).toBeUndefined();
  expect(fromHex('AB')).toEqual(new Uint8Array([0xab]));
  expect(fromHex('')).toEqual(new Uint8Array());
});
