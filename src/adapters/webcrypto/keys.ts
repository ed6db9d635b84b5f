import { ed25519, ed25519SeedToPkcs8, type Signer } from '../../core/crypto/index.ts';
import type { DeviceKeyRecord, KeyHandle } from '../../core/store/index.ts';

/**
 * Keys held as non-extractable WebCrypto keys: JavaScript can sign with them but never
 * read them, and IndexedDB stores them as they are. Where WebCrypto lacks Ed25519, a
 * seed in memory is the fallback (`kind: 'seed'`).
 */

async function hasWebCryptoEd25519(): Promise<boolean> {
  return (await ed25519()).name === 'webcrypto';
}

/** A new device key, non-extractable where the platform allows. */
export async function generateDeviceKey(now: number): Promise<DeviceKeyRecord> {
  const subtle = globalThis.crypto.subtle;
  if (await hasWebCryptoEd25519()) {
    const pair = (await subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const publicKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
    return { publicKey, handle: { kind: 'webcrypto', privateKey: pair.privateKey }, createdAt: now };
  }
  const seed = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const backend = await ed25519();
  return { publicKey: await backend.publicKey(seed), handle: { kind: 'seed', seed }, createdAt: now };
}

/** Hold a root seed (derived from a phrase) as a non-extractable key; the caller drops the seed. */
export async function importRootSeed(seed: Uint8Array): Promise<{ publicKey: Uint8Array; handle: KeyHandle }> {
  const backend = await ed25519();
  const publicKey = await backend.publicKey(seed);
  if (backend.name !== 'webcrypto') return { publicKey, handle: { kind: 'seed', seed: seed.slice() } };
  const privateKey = await globalThis.crypto.subtle.importKey(
    'pkcs8',
    ed25519SeedToPkcs8(seed) as BufferSource,
    { name: 'Ed25519' },
    false,
    ['sign'],
  );
  return { publicKey, handle: { kind: 'webcrypto', privateKey } };
}

/** A Signer over a stored key handle. */
export async function signerFor(publicKey: Uint8Array, handle: KeyHandle): Promise<Signer> {
  if (handle.kind === 'webcrypto') {
    const { privateKey } = handle;
    return {
      publicKey,
      sign: async (message) =>
        new Uint8Array(await globalThis.crypto.subtle.sign({ name: 'Ed25519' }, privateKey, message as BufferSource)),
    };
  }
  const backend = await ed25519();
  return { publicKey, sign: (message) => backend.sign(handle.seed, message) };
}
