import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import * as noble from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { fromHex, toHex } from './bytes.ts';
import {
  ed25519,
  isValidEd25519PublicKey,
  nobleEd25519,
  seedSigner,
  verifyEd25519,
  webCryptoEd25519,
  type Ed25519Backend,
} from './ed25519.ts';

// RFC 8032 §7.1 test vectors: secret, public key, message, signature.
const RFC8032 = [
  {
    name: 'TEST 1',
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2',
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3',
    secret: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    name: 'TEST SHA(abc)',
    secret: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    publicKey: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    message:
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    signature:
      'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
];

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const leToBigint = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
const bigintToLe = (n: bigint, length = 32) => {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
};

/** A signature whose R carries a small-order component: cofactored verification accepts it, cofactorless does not. */
function torsionedSignature(secret: Uint8Array, message: Uint8Array): Uint8Array {
  const { scalar, pointBytes } = noble.utils.getExtendedPublicKey(secret);
  const order8 = noble.Point.fromBytes(fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'));
  const r = 123456789n;
  const R = noble.Point.BASE.multiply(r).add(order8).toBytes();
  const k = leToBigint(sha512(new Uint8Array([...R, ...pointBytes, ...message]))) % L;
  const S = (r + k * scalar) % L;
  return new Uint8Array([...R, ...bigintToLe(S)]);
}

const backends: Ed25519Backend[] = [nobleEd25519, webCryptoEd25519(globalThis.crypto.subtle)];

describe.each(backends)('Ed25519 backend $name', (backend) => {
  test.each(RFC8032)('RFC 8032 $name', async (v) => {
    const secret = fromHex(v.secret);
    const message = fromHex(v.message);
    expect(toHex(await backend.publicKey(secret))).toBe(v.publicKey);
    expect(toHex(await backend.sign(secret, message))).toBe(v.signature);
    expect(await backend.verify(fromHex(v.publicKey), message, fromHex(v.signature))).toBe(true);
  });
});

describe('Ed25519 validity rule', () => {
  test('the detected backend is WebCrypto (Node 20 and Chromium both have it)', async () => {
    expect((await ed25519()).name).toBe('webcrypto');
  });

  test('backends agree on random keys, messages and tampering', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.nat(63),
        async (secret, message, flip) => {
          const [a, b] = backends as [Ed25519Backend, Ed25519Backend];
          const publicKey = await a.publicKey(secret);
          const signature = await a.sign(secret, message);
          expect(await b.sign(secret, message)).toEqual(signature);
          const tampered = signature.slice();
          tampered[flip]! ^= 1;
          for (const sig of [signature, tampered]) {
            expect(await a.verify(publicKey, message, sig)).toBe(await b.verify(publicKey, message, sig));
          }
          expect(await verifyEd25519(publicKey, message, tampered)).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('a signature with S >= L is refused by both backends', async () => {
    const v = RFC8032[1]!;
    const signature = fromHex(v.signature);
    const S = leToBigint(signature.subarray(32));
    const malleated = new Uint8Array([...signature.subarray(0, 32), ...bigintToLe(S + L)]);
    for (const backend of backends) {
      expect(await backend.verify(fromHex(v.publicKey), fromHex(v.message), malleated)).toBe(false);
    }
  });

  test('a torsioned R is refused by both backends (noble alone would accept it)', async () => {
    const secret = fromHex(RFC8032[0]!.secret);
    const message = new Uint8Array([1, 2, 3]);
    const signature = torsionedSignature(secret, message);
    const publicKey = noble.getPublicKey(secret);
    expect(noble.verify(signature, message, publicKey, { zip215: false })).toBe(true);
    for (const backend of backends) expect(await backend.verify(publicKey, message, signature)).toBe(false);
  });

  test('small-order, non-canonical and wrong-length public keys are refused', async () => {
    const smallOrder = fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05');
    const identity = fromHex('0100000000000000000000000000000000000000000000000000000000000000');
    const nonCanonical = fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
    for (const key of [smallOrder, identity, nonCanonical, new Uint8Array(31)]) {
      expect(isValidEd25519PublicKey(key)).toBe(false);
      expect(await verifyEd25519(key, new Uint8Array(), new Uint8Array(64))).toBe(false);
    }
    expect(isValidEd25519PublicKey(fromHex(RFC8032[0]!.publicKey))).toBe(true);
  });

  test('seedSigner signs verifiably', async () => {
    const signer = await seedSigner(new Uint8Array(32).fill(3));
    const message = new TextEncoder().encode('hello');
    expect(await verifyEd25519(signer.publicKey, message, await signer.sign(message))).toBe(true);
    expect(await verifyEd25519(signer.publicKey, new Uint8Array(), await signer.sign(message))).toBe(false);
  });
});
