import * as noble from '@noble/ed25519';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, concatBytes } from './bytes.ts';
import { isTorsionFreePoint } from './ed25519.ts';

/**
 * Sealing a message to a one-time key (the membership directory seals its answers to the
 * asker's key; see src/core/directory/README.md for why).
 *
 * Construction: ephemeral Diffie-Hellman on edwards25519 (prime-order points only), HKDF-
 * SHA256 over the shared point, both public keys, the context (e.g. a room) and the caller's label, then encrypt-then-MAC with an
 * HMAC-SHA256 keystream and an HMAC-SHA256 tag. The answerer makes a fresh key pair for every
 * answer, so no key ever encrypts twice.
 */

export interface BoxKeyPair {
  publicKey: Uint8Array;
  /** The secret scalar; stays in memory for the life of one link. */
  scalar: bigint;
}

export class SealError extends Error {
  override readonly name = 'SealError';
}

const ORDER = noble.Point.CURVE().n;
const TAG_BYTES = 32;

/** A key pair from 64 random bytes (reduced mod the group order: no measurable bias). */
export function boxKeyPair(random64: Uint8Array): BoxKeyPair {
  if (random64.length !== 64) throw new SealError('a box key pair needs 64 random bytes');
  let n = 0n;
  for (let i = random64.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(random64[i]!);
  const scalar = n % ORDER;
  if (scalar === 0n) throw new SealError('the random bytes gave a zero scalar');
  return { publicKey: noble.Point.BASE.multiply(scalar).toBytes(), scalar };
}

/** Whether `publicKey` can be sealed to: a canonical prime-order point, not the identity. */
export function isBoxKey(publicKey: Uint8Array): boolean {
  return isTorsionFreePoint(publicKey);
}

/** Where a box is used: a label naming the protocol and a context (a room id) it is bound to. */
export interface BoxBinding {
  label: Uint8Array;
  context: Uint8Array;
}

function keys(mine: BoxKeyPair, theirs: Uint8Array, askerKey: Uint8Array, answererKey: Uint8Array, at: BoxBinding): { enc: Uint8Array; mac: Uint8Array } {
  if (!isBoxKey(theirs)) throw new SealError('the other side’s box key is not a valid point');
  const shared = noble.Point.fromBytes(theirs, false).multiply(mine.scalar).toBytes();
  const okm = hkdf(sha256, shared, at.context, concatBytes(at.label, askerKey, answererKey), 64);
  return { enc: okm.slice(0, 32), mac: okm.slice(32) };
}

function keystreamXor(key: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  const prf = hmac.create(sha256, key);
  const counter = new Uint8Array(4);
  const view = new DataView(counter.buffer);
  for (let block = 0, at = 0; at < data.length; block++, at += 32) {
    view.setUint32(0, block);
    const stream = prf.clone().update(counter).digest();
    for (let i = 0; i < 32 && at + i < data.length; i++) out[at + i] = data[at + i]! ^ stream[i]!;
  }
  return out;
}

/** Seal `plaintext` from `mine` (the answerer's fresh pair) to the asker's `askerKey`. */
export function seal(plaintext: Uint8Array, mine: BoxKeyPair, askerKey: Uint8Array, at: BoxBinding): Uint8Array {
  const k = keys(mine, askerKey, askerKey, mine.publicKey, at);
  const ciphertext = keystreamXor(k.enc, plaintext);
  return concatBytes(ciphertext, hmac(sha256, k.mac, ciphertext));
}

/** Open what `answererKey` sealed to `mine` (the asker's pair); throws `SealError` if it was altered. */
export function openSealed(sealed: Uint8Array, mine: BoxKeyPair, answererKey: Uint8Array, at: BoxBinding): Uint8Array {
  if (sealed.length < TAG_BYTES) throw new SealError('the sealed answer is shorter than its tag');
  const k = keys(mine, answererKey, mine.publicKey, answererKey, at);
  const ciphertext = sealed.subarray(0, sealed.length - TAG_BYTES);
  if (!bytesEqual(hmac(sha256, k.mac, ciphertext), sealed.subarray(sealed.length - TAG_BYTES))) {
    throw new SealError('the sealed answer does not authenticate (altered, or sealed to another key)');
  }
  return keystreamXor(k.enc, ciphertext);
}
