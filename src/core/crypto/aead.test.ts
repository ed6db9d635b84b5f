import { describe, expect, test } from 'vitest';
import { AEAD_LIMITS, AeadError, openBody, sealBody } from './aead.ts';
import { fromHex, toHex } from './bytes.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const flip = (bytes: Uint8Array, at: number) => {
  const out = bytes.slice();
  out[at]! ^= 1;
  return out;
};

describe('bodies under an epoch key (XChaCha20-Poly1305)', () => {
  const key = new Uint8Array(32).fill(1);
  const nonce = new Uint8Array(24).fill(2);
  const aad = utf8('tabnode/delta/v1 context keyOp');
  const body = utf8('a delta body: writer, update, call, events');

  test('draft-irtf-cfrg-xchacha A.3.1: the published ciphertext and tag', () => {
    const k = fromHex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const n = fromHex('404142434445464748494a4b4c4d4e4f5051525354555657');
    const a = fromHex('50515253c0c1c2c3c4c5c6c7');
    const pt = utf8("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
    const expected =
      'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452' +
      '2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e' +
      'c0875924c1c7987947deafd8780acf49';
    expect(toHex(sealBody(k, n, pt, a))).toBe(expected);
    expect(openBody(k, n, fromHex(expected), a)).toEqual(pt);
  });

  test('a body opens with the same key, nonce and aad', () => {
    const sealed = sealBody(key, nonce, body, aad);
    expect(sealed).toHaveLength(body.length + AEAD_LIMITS.tagBytes);
    expect(openBody(key, nonce, sealed, aad)).toEqual(body);
    expect(openBody(key, nonce, sealBody(key, nonce, new Uint8Array(), aad), aad)).toEqual(new Uint8Array());
  });

  test('another key, nonce or aad, or an altered byte, fails with AeadError', () => {
    const sealed = sealBody(key, nonce, body, aad);
    expect(() => openBody(new Uint8Array(32).fill(9), nonce, sealed, aad)).toThrow(AeadError);
    expect(() => openBody(key, flip(nonce, 0), sealed, aad)).toThrow(AeadError);
    expect(() => openBody(key, nonce, sealed, flip(aad, 0))).toThrow(AeadError);
    expect(() => openBody(key, nonce, sealed, new Uint8Array())).toThrow(AeadError);
    expect(() => openBody(key, nonce, flip(sealed, 0), aad)).toThrow(AeadError);
    expect(() => openBody(key, nonce, flip(sealed, sealed.length - 1), aad)).toThrow(AeadError);
    expect(() => openBody(key, nonce, sealed.subarray(0, 15), aad)).toThrow(/at least its 16-byte tag/);
  });

  test('wrong lengths are refused with clear errors', () => {
    expect(() => sealBody(new Uint8Array(16), nonce, body, aad)).toThrow(/key must be 32 bytes, got 16/);
    expect(() => sealBody(key, new Uint8Array(12), body, aad)).toThrow(/nonce must be 24 bytes, got 12/);
    expect(() => sealBody(key, nonce, body, new Uint8Array(AEAD_LIMITS.aadBytes + 1))).toThrow(AeadError);
    expect(() => openBody(key, new Uint8Array(25), new Uint8Array(16), aad)).toThrow(AeadError);
  });
});
