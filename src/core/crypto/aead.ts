import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';

/**
 * Bodies under a symmetric key: XChaCha20-Poly1305 (`@noble/ciphers`). Synchronous on
 * purpose: the replica decrypts deltas on its receive path, which stays synchronous
 * (docs/decisions/epoch-keys.md). The 24-byte nonce is large enough to draw at random for
 * every body; the caller draws it (core has no random source).
 */

export const AEAD_LIMITS = {
  keyBytes: 32,
  nonceBytes: 24,
  /** Poly1305 tag: a sealed body is this much longer than its plaintext. */
  tagBytes: 16,
  /** Additional data at most (ours is a label and two ids, under 100 bytes). */
  aadBytes: 1024,
} as const;

export class AeadError extends Error {
  override readonly name = 'AeadError';
}

function check(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array): void {
  if (key.length !== AEAD_LIMITS.keyBytes) throw new AeadError(`a body key must be ${AEAD_LIMITS.keyBytes} bytes, got ${key.length}`);
  if (nonce.length !== AEAD_LIMITS.nonceBytes) throw new AeadError(`a body nonce must be ${AEAD_LIMITS.nonceBytes} bytes, got ${nonce.length}`);
  if (aad.length > AEAD_LIMITS.aadBytes) throw new AeadError(`a body's additional data is at most ${AEAD_LIMITS.aadBytes} bytes, got ${aad.length}`);
}

/** Encrypt `plaintext` under `key32` with a fresh `nonce24`, bound to `aad`: ciphertext ‖ 16-byte tag. */
export function sealBody(key32: Uint8Array, nonce24: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  check(key32, nonce24, aad);
  return xchacha20poly1305(key32, nonce24, aad).encrypt(plaintext);
}

/** Decrypt what `sealBody` made; throws `AeadError` if the key, nonce or aad differ or a byte was altered. */
export function openBody(key32: Uint8Array, nonce24: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  check(key32, nonce24, aad);
  if (sealed.length < AEAD_LIMITS.tagBytes) throw new AeadError(`a sealed body is at least its ${AEAD_LIMITS.tagBytes}-byte tag, got ${sealed.length} bytes`);
  try {
    return xchacha20poly1305(key32, nonce24, aad).decrypt(sealed);
  } catch {
    throw new AeadError('the body does not open: altered, under another key, or bound to other additional data');
  }
}
