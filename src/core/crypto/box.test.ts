import { describe, expect, test } from 'vitest';
import { boxKeyPair, isBoxKey, openSealed, seal, SealError } from './box.ts';
import { fromHex } from './bytes.ts';

const LABEL = new TextEncoder().encode('tabnode/directory/seal/v1');
const at = (context: Uint8Array) => ({ label: LABEL, context });

const random = (seed: number) => Uint8Array.from({ length: 64 }, (_, i) => (seed * 131 + i * 17) & 0xff);
const room = new Uint8Array(32).fill(3);

describe('sealing an answer to the asker', () => {
  const asker = boxKeyPair(random(1));
  const answerer = boxKeyPair(random(2));
  const message = new TextEncoder().encode('secret contexts '.repeat(20));

  test('the asker opens what was sealed to it', () => {
    const sealed = seal(message, answerer, asker.publicKey, at(room));
    expect(sealed.length).toBe(message.length + 32);
    // One byte a character: the plaintext's words would show up in the text.
    expect(new TextDecoder('latin1').decode(sealed).includes('secret')).toBe(false);
    expect(openSealed(sealed, asker, answerer.publicKey, at(room))).toEqual(message);
    expect(openSealed(seal(new Uint8Array(), answerer, asker.publicKey, at(room)), asker, answerer.publicKey, at(room))).toEqual(new Uint8Array());
  });

  test('an altered answer, another recipient, another room or another sender does not open', () => {
    const sealed = seal(message, answerer, asker.publicKey, at(room));
    const flipped = sealed.slice();
    flipped[5]! ^= 1;
    expect(() => openSealed(flipped, asker, answerer.publicKey, at(room))).toThrow(SealError);
    expect(() => openSealed(sealed, boxKeyPair(random(3)), answerer.publicKey, at(room))).toThrow(SealError);
    expect(() => openSealed(sealed, asker, answerer.publicKey, at(new Uint8Array(32).fill(4)))).toThrow(SealError);
    expect(() => openSealed(sealed, asker, boxKeyPair(random(4)).publicKey, at(room))).toThrow(SealError);
    expect(() => openSealed(sealed.subarray(0, 10), asker, answerer.publicKey, at(room))).toThrow(SealError);
  });

  test('keys that are not prime-order points are refused', () => {
    const identity = new Uint8Array(32);
    identity[0] = 1;
    // A point of order 8 (torsion): Diffie-Hellman with it would leak bits of the scalar.
    const torsion = fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa');
    for (const bad of [identity, torsion, new Uint8Array(32).fill(0xff), new Uint8Array(31)]) {
      expect(isBoxKey(bad)).toBe(false);
      expect(() => seal(message, answerer, bad, at(room))).toThrow(SealError);
    }
    expect(isBoxKey(asker.publicKey)).toBe(true);
    expect(() => boxKeyPair(new Uint8Array(32))).toThrow(SealError);
  });
});
