import * as noble from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes } from './bytes.ts';

noble.hashes.sha512 = sha512;

export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SECRET_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

/**
 * One Ed25519 implementation. Both backends give identical answers on every input
 * this module lets through (see docs/decisions/ed25519-validity.md): keys must be
 * canonical and torsion-free, signatures strict RFC 8032.
 */
export interface Ed25519Backend {
  readonly name: 'webcrypto' | 'noble';
  publicKey(secret: Uint8Array): Promise<Uint8Array>;
  sign(secret: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

export const nobleEd25519: Ed25519Backend = {
  name: 'noble',
  publicKey: async (secret) => noble.getPublicKey(secret),
  sign: async (secret, message) => noble.sign(message, secret),
  async verify(publicKey, message, signature) {
    // noble verifies cofactored; WebCrypto cofactorless. They agree once R is torsion-free too.
    if (!isTorsionFreePoint(signature.subarray(0, 32))) return false;
    return noble.verify(signature, message, publicKey, { zip215: false });
  },
};

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const PKCS8_PREFIX = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

/** PKCS#8 bytes for a raw seed: how WebCrypto imports an Ed25519 private key. */
export function ed25519SeedToPkcs8(secret: Uint8Array): Uint8Array {
  return concatBytes(PKCS8_PREFIX, secret);
}

export function webCryptoEd25519(subtle: SubtleCrypto): Ed25519Backend {
  // Importing a key costs about as much as verifying with it; ops come from few authors.
  const verifyKeys = new Map<string, Promise<CryptoKey>>();
  const verifyKey = (publicKey: Uint8Array): Promise<CryptoKey> => {
    const cacheKey = String.fromCharCode(...publicKey);
    let key = verifyKeys.get(cacheKey);
    if (!key) {
      if (verifyKeys.size >= 1024) verifyKeys.clear();
      key = subtle.importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']);
      verifyKeys.set(cacheKey, key);
      key.catch(() => verifyKeys.delete(cacheKey));
    }
    return key;
  };
  const importSecret = (secret: Uint8Array) =>
    subtle.importKey('pkcs8', ed25519SeedToPkcs8(secret) as BufferSource, { name: 'Ed25519' }, false, ['sign']);
  return {
    name: 'webcrypto',
    // WebCrypto cannot derive a public key from a non-extractable private key; noble can, from the seed.
    publicKey: async (secret) => noble.getPublicKey(secret),
    async sign(secret, message) {
      const key = await importSecret(secret);
      return new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, message as BufferSource));
    },
    async verify(publicKey, message, signature) {
      try {
        const key = await verifyKey(publicKey);
        return await subtle.verify({ name: 'Ed25519' }, key, signature as BufferSource, message as BufferSource);
      } catch {
        return false;
      }
    },
  };
}

/** A canonically encoded point in the prime-order subgroup, not the identity. */
export function isTorsionFreePoint(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  try {
    const point = noble.Point.fromBytes(bytes, false);
    return !point.is0() && point.isTorsionFree();
  } catch {
    return false;
  }
}

// Keys checked once each: the subgroup check costs a scalar multiplication.
const checkedKeys = new Map<string, boolean>();
const CHECKED_KEYS_LIMIT = 4096;

/** Whether a public key is acceptable at all: canonical, torsion-free, not the identity. */
export function isValidEd25519PublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) return false;
  const cacheKey = String.fromCharCode(...publicKey);
  let ok = checkedKeys.get(cacheKey);
  if (ok === undefined) {
    ok = isTorsionFreePoint(publicKey);
    if (checkedKeys.size >= CHECKED_KEYS_LIMIT) checkedKeys.clear();
    checkedKeys.set(cacheKey, ok);
  }
  return ok;
}

let detected: Promise<Ed25519Backend> | undefined;

/** WebCrypto where it supports Ed25519 (browsers, Node 20), noble otherwise. Probed once. */
export function ed25519(): Promise<Ed25519Backend> {
  detected ??= (async () => {
    const subtle = globalThis.crypto?.subtle;
    if (!subtle) return nobleEd25519;
    try {
      const probe = webCryptoEd25519(subtle);
      const secret = new Uint8Array(32).fill(7);
      const message = new Uint8Array([1, 2, 3]);
      const signature = await probe.sign(secret, message);
      if (await probe.verify(await probe.publicKey(secret), message, signature)) return probe;
    } catch {
      // fall through: this platform has no Ed25519 in WebCrypto
    }
    return nobleEd25519;
  })();
  return detected;
}

/**
 * Verify an Ed25519 signature with this module's validity rule: lengths exact, public key
 * canonical and torsion-free, signature strict RFC 8032. Never throws.
 */
export async function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  if (!isValidEd25519PublicKey(publicKey)) return false;
  return (await ed25519()).verify(publicKey, message, signature);
}

/** Something that signs with one Ed25519 key; the key itself may be hidden (non-extractable). */
export interface Signer {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A signer over a raw 32-byte seed held in memory. */
export async function seedSigner(secret: Uint8Array, backend?: Ed25519Backend): Promise<Signer> {
  const impl = backend ?? (await ed25519());
  const publicKey = await impl.publicKey(secret);
  return { publicKey, sign: (message) => impl.sign(secret, message) };
}
