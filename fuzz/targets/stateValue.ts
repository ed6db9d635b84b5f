import { DecodeError } from '../../src/core/codec/index.ts';
import { decodeValue, encodeValue } from '../../src/core/state/canonicalValue.ts';
import { STATE_LIMITS, type JsonValue } from '../../src/core/state/layout.ts';
import { bytesEqual } from '../../src/core/crypto/index.ts';
import type { FuzzTarget } from '../target.ts';
import { tokens } from '../tokens.ts';

export const stateValueTarget: FuzzTarget<JsonValue> = {
  name: 'state-value',
  decoder: 'decodeValue (src/core/state/canonicalValue.ts)',
  async seeds() {
    const deep: JsonValue = JSON.parse('['.repeat(20) + '{"a":1}' + ']'.repeat(20));
    return [
      null,
      true,
      0,
      -1.5e300,
      5e-324,
      'ünïcode ✓ 🎉',
      [1, 'two', [null, false], {}],
      { '': 0, a: { b: [1, 2, 3], c: 'x' }, constructor: 'c', toString: null, z: true, é: 1, '🎉': 2 },
      deep,
    ].map((v) => encodeValue(v));
  },
  maxInputBytes: 4 * 1024,
  dictionary: tokens('__proto__', 'constructor', 'prototype', '\uFEFF', '\uD83C\uDF89'),
  decode: decodeValue,
  isRefusal: (error) => error instanceof DecodeError,
  check(value, input) {
    if (input.length > STATE_LIMITS.valueBytes) return 'accepted a value over the byte limit';
    return bytesEqual(encodeValue(value), input) ? undefined : 'an accepted value re-encodes to other bytes: not canonical';
  },
};
