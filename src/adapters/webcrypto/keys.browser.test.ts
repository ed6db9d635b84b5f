import { expect, test } from 'vitest';
import { verifyEd25519 } from '../../core/crypto/index.ts';
import { dexieStore } from '../dexie/dexieStore.ts';
import { generateDeviceKey, importRootSeed, signerFor } from './keys.ts';

test('a device key is non-extractable, survives IndexedDB, and still signs', async () => {
  const record = await generateDeviceKey(1);
  expect(record.handle.kind).toBe('webcrypto');
  if (record.handle.kind !== 'webcrypto') return;
  expect(record.handle.privateKey.extractable).toBe(false);
  await expect(crypto.subtle.exportKey('pkcs8', record.handle.privateKey)).rejects.toThrow();

  const name = `keys-test-${Date.now()}`;
  const first = await dexieStore(name);
  await first.ensureDeviceKey(record);
  await first.close();
  const reopened = await dexieStore(name);
  const stored = (await reopened.deviceKey())!;
  expect(stored.handle.kind).toBe('webcrypto');
  const signer = await signerFor(stored.publicKey, stored.handle);
  const message = new TextEncoder().encode('after reload');
  expect(await verifyEd25519(stored.publicKey, message, await signer.sign(message))).toBe(true);
  await reopened.close();
});

test('an imported root seed signs like the seed itself and cannot be read back', async () => {
  const seed = new Uint8Array(32).fill(5);
  const { publicKey, handle } = await importRootSeed(seed);
  expect(handle.kind).toBe('webcrypto');
  if (handle.kind === 'webcrypto') expect(handle.privateKey.extractable).toBe(false);
  const signer = await signerFor(publicKey, handle);
  const message = new Uint8Array([1, 2, 3]);
  expect(await verifyEd25519(publicKey, message, await signer.sign(message))).toBe(true);
});
