import { describe, expect, test } from 'vitest';
import { encodeWith, createReader, expectEnd } from '../codec/index.ts';
import { fromHex } from './bytes.ts';
import { BOX_LIMITS, BoxError, importBoxKeyPair, newRawBoxKey, openSealedBox, sealedBoxField, sealToBoxKey, type SealedBox } from './hpke.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const raw = (fill: number) => new Uint8Array(32).fill(fill);
const flip = (bytes: Uint8Array, at: number) => {
  const out = bytes.slice();
  out[at]! ^= 1;
  return out;
};

describe('HPKE boxes (RFC 9180 base mode, X25519 / HKDF-SHA256 / ChaCha20-Poly1305)', () => {
  const info = utf8('tabnode/test-box/v1');
  const aad = utf8('bound but not carried');
  const message = utf8('an epoch key, or a directory answer');

  test('RFC 9180 A.2.1: the published box opens, and the published private key gives the published public key', async () => {
    const skRm = fromHex('8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb');
    const pkRm = fromHex('4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a');
    const recipient = await importBoxKeyPair(skRm);
    expect(recipient.publicKey).toEqual(pkRm);
    expect((await newRawBoxKey(skRm)).publicKey).toEqual(pkRm);
    const box = {
      enc: fromHex('1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a'),
      sealed: fromHex('1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28'),
    };
    const opened = await openSealedBox(recipient, box, fromHex('4f6465206f6e2061204772656369616e2055726e'), fromHex('436f756e742d30'));
    expect(new TextDecoder().decode(opened)).toBe('Beauty is truth, truth beauty');
  });

  test('a box opens for its recipient with the same info and aad; each box has a fresh ephemeral key', async () => {
    const recipient = await importBoxKeyPair(raw(7));
    const box = await sealToBoxKey(recipient.publicKey, message, info, aad);
    expect(box.enc).toHaveLength(BOX_LIMITS.encBytes);
    expect(box.sealed).toHaveLength(message.length + BOX_LIMITS.tagBytes);
    expect(await openSealedBox(recipient, box, info, aad)).toEqual(message);
    const again = await sealToBoxKey(recipient.publicKey, message, info, aad);
    expect(again.enc).not.toEqual(box.enc);
    const empty = await sealToBoxKey(recipient.publicKey, new Uint8Array(), info);
    expect(await openSealedBox(recipient, empty, info)).toEqual(new Uint8Array());
  });

  test('an altered enc, sealed, info or aad, or another recipient, does not open', async () => {
    const recipient = await importBoxKeyPair(raw(7));
    const other = await importBoxKeyPair(raw(8));
    const box = await sealToBoxKey(recipient.publicKey, message, info, aad);
    const fails = (p: Promise<unknown>) => expect(p).rejects.toThrow(BoxError);
    await fails(openSealedBox(recipient, { ...box, enc: flip(box.enc, 3) }, info, aad));
    await fails(openSealedBox(recipient, { ...box, sealed: flip(box.sealed, 0) }, info, aad));
    await fails(openSealedBox(recipient, { ...box, sealed: flip(box.sealed, box.sealed.length - 1) }, info, aad));
    await fails(openSealedBox(recipient, box, utf8('tabnode/test-box/v2'), aad));
    await fails(openSealedBox(recipient, box, info, flip(aad, 0)));
    await fails(openSealedBox(recipient, box, info));
    await fails(openSealedBox(other, box, info, aad));
    await fails(openSealedBox(recipient, { ...box, sealed: box.sealed.subarray(0, 10) }, info, aad));
  });

  test('bad keys and lengths are refused with BoxError', async () => {
    const recipient = await importBoxKeyPair(raw(7));
    await expect(sealToBoxKey(new Uint8Array(31), message, info)).rejects.toThrow(/32 bytes/);
    // u = 0 and u = 1 are low-order points: the shared secret would be all zeros.
    await expect(sealToBoxKey(new Uint8Array(32), message, info)).rejects.toThrow(BoxError);
    await expect(sealToBoxKey(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0)), message, info)).rejects.toThrow(BoxError);
    await expect(sealToBoxKey(recipient.publicKey, message, new Uint8Array(BOX_LIMITS.infoBytes + 1))).rejects.toThrow(/info is at most/);
    await expect(openSealedBox(recipient, { enc: new Uint8Array(16), sealed: new Uint8Array(32) }, info)).rejects.toThrow(/enc must be 32 bytes/);
    await expect(importBoxKeyPair(new Uint8Array(33))).rejects.toThrow(BoxError);
  });

  test('imported private keys stay inside WebCrypto; raw keys keep their bytes', async () => {
    const pair = await importBoxKeyPair(raw(9));
    expect(pair.privateKey.extractable).toBe(false);
    const made = await newRawBoxKey(raw(9));
    expect(made.rawPrivate).toEqual(raw(9));
    expect(made.publicKey).toEqual(pair.publicKey);
  });

  test('the wire field: enc then length-prefixed sealed, bounded', async () => {
    const field = sealedBoxField(100);
    const box: SealedBox = { enc: raw(1), sealed: raw(2) };
    const encoded = encodeWith(field, box);
    expect(encoded).toHaveLength(32 + 1 + 32);
    const r = createReader(encoded);
    expect(field.decode(r)).toEqual(box);
    expectEnd(r);
    expect(() => encodeWith(field, { enc: raw(1), sealed: new Uint8Array(101) })).toThrow(/over the limit/);
    expect(() => encodeWith(field, { enc: new Uint8Array(31), sealed: raw(2) })).toThrow(/expected 32 bytes/);
  });
});
