import type { BoxKeyPair } from '../../core/crypto/index.ts';

/**
 * A new device box key (docs/decisions/epoch-keys.md): an X25519 pair generated inside
 * WebCrypto, its private half non-extractable — boxes sealed to the device open in the page
 * while it runs, but the key's bytes never reach JavaScript or the disk in clear (IndexedDB
 * keeps the CryptoKey as it is). One per browser profile: keep it with `ensureBoxKey`.
 */
export async function generateBoxKeyPair(): Promise<BoxKeyPair> {
  const subtle = globalThis.crypto.subtle;
  const pair = (await subtle.generateKey({ name: 'X25519' }, false, ['deriveBits'])) as CryptoKeyPair;
  // The public half of a pair is always extractable, whatever the flag says.
  const publicKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  return { publicKey, privateKey: pair.privateKey };
}
