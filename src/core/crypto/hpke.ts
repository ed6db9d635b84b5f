import type { CipherSuite } from '@hpke/core';
import { bytes, fixedBytes, struct, type Codec } from '../codec/index.ts';
import { concatBytes } from './bytes.ts';

/**
 * Sealing bytes to an X25519 box key: HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256, ChaCha20-Poly1305 (docs/decisions/epoch-keys.md). One-shot: every box has its
 * own ephemeral key (`enc`), made by the HPKE library from WebCrypto's random source.
 *
 * `info` says what the box is for and binds it to where it belongs (a protocol label, then
 * a context, a genesis nonce or a directory room); `aad` is further data the box is bound to
 * but does not carry. A box
 * opened with another `info` or `aad` fails like an altered one.
 */

/** A box key pair: the public half raw, the private half a WebCrypto X25519 key (non-extractable where we make it). */
export interface BoxKeyPair {
  /** 32-byte raw X25519 public key. */
  publicKey: Uint8Array;
  privateKey: CryptoKey;
}

/** What `sealToBoxKey` makes: the encapsulated ephemeral key and the ciphertext with its tag. */
export interface SealedBox {
  /** 32 bytes: the sender's ephemeral X25519 public key. */
  enc: Uint8Array;
  /** The plaintext's length plus `BOX_LIMITS.tagBytes`. */
  sealed: Uint8Array;
}

export const BOX_LIMITS = {
  keyBytes: 32,
  encBytes: 32,
  /** ChaCha20-Poly1305 tag: a box is this much longer than its plaintext. */
  tagBytes: 16,
  /** `info` and `aad` at most (the HPKE library refuses over 8 KiB; ours are under 100 bytes). */
  infoBytes: 1024,
  aadBytes: 1024,
} as const;

export class BoxError extends Error {
  override readonly name = 'BoxError';
}

/** A sealed box on the wire: `enc` then `sealed` (length-prefixed, at most `maxSealedBytes`). */
export const sealedBoxField = (maxSealedBytes: number): Codec<SealedBox> => struct({ enc: fixedBytes(BOX_LIMITS.encBytes), sealed: bytes(maxSealedBytes) });

/**
 * The HPKE suite, loaded on first use: boxes are only ever sealed or opened asynchronously,
 * so the library stays out of the app's first load (its bundle budget).
 */
let loading: Promise<CipherSuite> | undefined;
function hpkeSuite(): Promise<CipherSuite> {
  loading ??= Promise.all([import('@hpke/core'), import('@hpke/chacha20poly1305')]).then(
    ([core, chacha]) => new core.CipherSuite({ kem: new core.DhkemX25519HkdfSha256(), kdf: new core.HkdfSha256(), aead: new chacha.Chacha20Poly1305() }),
  );
  loading.catch(() => (loading = undefined));
  return loading;
}
const EMPTY = new Uint8Array(0);

function checkLength(what: string, value: Uint8Array, expected: number): void {
  if (value.length !== expected) throw new BoxError(`${what} must be ${expected} bytes, got ${value.length}`);
}

function checkBindings(info: Uint8Array, aad: Uint8Array): void {
  if (info.length > BOX_LIMITS.infoBytes) throw new BoxError(`a box's info is at most ${BOX_LIMITS.infoBytes} bytes, got ${info.length}`);
  if (aad.length > BOX_LIMITS.aadBytes) throw new BoxError(`a box's additional data is at most ${BOX_LIMITS.aadBytes} bytes, got ${aad.length}`);
}

async function publicCryptoKey(publicKey: Uint8Array): Promise<CryptoKey> {
  checkLength('a box key (raw X25519 public key)', publicKey, BOX_LIMITS.keyBytes);
  const suite = await hpkeSuite();
  try {
    return await suite.kem.deserializePublicKey(publicKey);
  } catch {
    throw new BoxError('the box key is not a usable X25519 public key');
  }
}

/** Seal `plaintext` to the holder of `publicKey`'s private half, for the purpose `info` names. */
export async function sealToBoxKey(publicKey: Uint8Array, plaintext: Uint8Array, info: Uint8Array, aad: Uint8Array = EMPTY): Promise<SealedBox> {
  checkBindings(info, aad);
  const recipientPublicKey = await publicCryptoKey(publicKey);
  const suite = await hpkeSuite();
  try {
    const { enc, ct } = await suite.seal({ recipientPublicKey, info }, plaintext, aad);
    return { enc: new Uint8Array(enc), sealed: new Uint8Array(ct) };
  } catch (e) {
    // A low-order public key gives an all-zero shared secret, which WebCrypto refuses.
    throw new BoxError(`could not seal to this box key (a low-order point?): ${(e as Error).message}`);
  }
}

/** Open a box sealed to `recipient`; throws `BoxError` if it was altered, sealed to another key, or for another `info`/`aad`. */
export async function openSealedBox(recipient: BoxKeyPair, box: SealedBox, info: Uint8Array, aad: Uint8Array = EMPTY): Promise<Uint8Array> {
  checkBindings(info, aad);
  checkLength('a box’s enc', box.enc, BOX_LIMITS.encBytes);
  if (box.sealed.length < BOX_LIMITS.tagBytes) throw new BoxError(`a sealed box is at least its ${BOX_LIMITS.tagBytes}-byte tag, got ${box.sealed.length} bytes`);
  const recipientKey = { publicKey: await publicCryptoKey(recipient.publicKey), privateKey: recipient.privateKey };
  try {
    const suite = await hpkeSuite();
    return new Uint8Array(await suite.open({ recipientKey, enc: box.enc, info }, box.sealed, aad));
  } catch {
    throw new BoxError('the box does not open: altered, sealed to another key, or made for another purpose (info or additional data)');
  }
}

// PKCS#8 wrapping of a raw X25519 private key (RFC 8410): WebCrypto imports private keys only so.
const PKCS8_X25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]);
// The X25519 base point (u = 9): Diffie-Hellman with it gives a private key's public half.
const BASE_POINT = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 9 : 0));

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new BoxError('this platform has no WebCrypto (crypto.subtle): box keys need its X25519');
  return s;
}

/**
 * Import a raw 32-byte X25519 private key (an invite's box key, carried in its link) as a
 * non-extractable WebCrypto key, with its public half.
 */
export async function importBoxKeyPair(rawPrivate: Uint8Array): Promise<BoxKeyPair> {
  checkLength('a raw box private key', rawPrivate, BOX_LIMITS.keyBytes);
  const s = subtle();
  let privateKey: CryptoKey;
  try {
    privateKey = await s.importKey('pkcs8', concatBytes(PKCS8_X25519_PREFIX, rawPrivate) as BufferSource, { name: 'X25519' }, false, ['deriveBits']);
  } catch (e) {
    throw new BoxError(`this platform cannot import an X25519 key (WebCrypto X25519 missing?): ${(e as Error).message}`);
  }
  // Non-extractable, so the public half comes from DH with the base point, not an export.
  const base = await s.importKey('raw', BASE_POINT as BufferSource, { name: 'X25519' }, true, []);
  const publicKey = new Uint8Array(await s.deriveBits({ name: 'X25519', public: base }, privateKey, 256));
  return { publicKey, privateKey };
}

/** A box key from 32 random bytes (its raw private key, which an invite link carries) and its public half. */
export async function newRawBoxKey(random32: Uint8Array): Promise<{ publicKey: Uint8Array; rawPrivate: Uint8Array }> {
  const { publicKey } = await importBoxKeyPair(random32);
  return { publicKey, rawPrivate: random32.slice() };
}
