import { ed25519SeedToPkcs8, nobleEd25519, webCryptoEd25519, type Ed25519Backend, type Signer } from '../src/core/crypto/index.ts';
import { rate, type Figure } from './measure.ts';

const BATCH = 32;

/** Ed25519 sign and verify throughput, WebCrypto and noble, on the platform this runs on. */
export async function ed25519Figures(where: string, ms = 600): Promise<Figure[]> {
  const secret = new Uint8Array(32).fill(42);
  const message = new TextEncoder().encode('a 64-byte message, the size of a typical op id plus some context.');
  const figures: Figure[] = [];
  const backends: Ed25519Backend[] = [webCryptoEd25519(globalThis.crypto.subtle), nobleEd25519];
  for (const backend of backends) {
    const publicKey = await backend.publicKey(secret);
    const signature = await backend.sign(secret, message);
    // Batches of concurrent calls: WebCrypto's promise overhead is then spread across them.
    const batch = <T>(fn: () => Promise<T>) => () => Promise.all(Array.from({ length: BATCH }, fn));
    const sign = await heldKeySigner(backend, secret);
    figures.push({
      group: where,
      name: `Ed25519 sign (${backend.name})`,
      opsPerSec: await rate(batch(() => sign(message)), { ms, batch: BATCH }),
    });
    figures.push({
      group: where,
      name: `Ed25519 verify (${backend.name})`,
      opsPerSec: await rate(batch(() => backend.verify(publicKey, message, signature)), { ms, batch: BATCH }),
    });
  }
  return figures;
}

/** Sign as a node does: WebCrypto with a key imported once (as device keys are held), noble with the seed. */
async function heldKeySigner(backend: Ed25519Backend, secret: Uint8Array): Promise<(m: Uint8Array) => Promise<unknown>> {
  if (backend.name !== 'webcrypto') return (m) => backend.sign(secret, m);
  const signer = await webCryptoHeldSigner(secret);
  return (m) => signer.sign(m);
}

/** A WebCrypto signer whose key is imported once, as a node holds its device key. */
export async function webCryptoHeldSigner(secret: Uint8Array): Promise<Signer> {
  const subtle = globalThis.crypto.subtle;
  const key = await subtle.importKey('pkcs8', ed25519SeedToPkcs8(secret) as BufferSource, { name: 'Ed25519' }, false, ['sign']);
  return {
    publicKey: await nobleEd25519.publicKey(secret),
    sign: async (m) => new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, m as BufferSource)),
  };
}
