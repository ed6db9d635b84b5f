import { expect, test } from 'vitest';
import { openSealedBox, sealToBoxKey } from '../../core/crypto/index.ts';
import { dexieStore } from '../dexie/dexieStore.ts';
import { generateBoxKeyPair } from './boxKeys.ts';

test('a device box key is non-extractable, kept in IndexedDB, and opens boxes after a reload', async () => {
  const pair = await generateBoxKeyPair();
  expect(pair.publicKey).toHaveLength(32);
  expect(pair.privateKey.extractable).toBe(false);
  await expect(crypto.subtle.exportKey('pkcs8', pair.privateKey)).rejects.toThrow();

  const name = `box-key-test-${Date.now()}`;
  const store = await dexieStore(name);
  await store.ensureBoxKey(pair);
  await store.close();

  const reopened = await dexieStore(name);
  const kept = await reopened.ensureBoxKey(await generateBoxKeyPair());
  expect(kept.publicKey).toEqual(pair.publicKey);
  const info = new TextEncoder().encode('tabnode/test/v1');
  const box = await sealToBoxKey(pair.publicKey, new TextEncoder().encode('epoch key'), info);
  expect(new TextDecoder().decode(await openSealedBox(kept, box, info))).toBe('epoch key');
  await reopened.close();
});
