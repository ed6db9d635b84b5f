import { expect, test } from 'vitest';
import { openSealedBox, sealToBoxKey } from '../core/crypto/index.ts';
import { memoryStore } from '../core/store/index.ts';
import { deviceBoxKey } from './boxKey.ts';

test('one device box key per store: made once, however many ask at once, and it opens boxes', async () => {
  const store = memoryStore();
  let candidates = 0;
  const counting = { ensureBoxKey: (c: Parameters<typeof store.ensureBoxKey>[0]) => (candidates++, store.ensureBoxKey(c)) };
  const [a, b] = await Promise.all([deviceBoxKey(counting), deviceBoxKey(counting)]);
  expect(a).toBe(b);
  expect(await deviceBoxKey(counting)).toBe(a);
  expect(candidates).toBe(1);
  expect(a.publicKey).toHaveLength(32);
  expect(a.privateKey.extractable).toBe(false);
  const info = new TextEncoder().encode('device box key test');
  expect(await openSealedBox(a, await sealToBoxKey(a.publicKey, new Uint8Array([1, 2]), info), info)).toEqual(new Uint8Array([1, 2]));
  // Another store (another profile) has its own key.
  expect((await deviceBoxKey(memoryStore())).publicKey).not.toEqual(a.publicKey);
});

test('the key already in the store wins over a new candidate', async () => {
  const store = memoryStore();
  const first = await deviceBoxKey(store);
  // A second tab's node: its own lookup, same profile store.
  const otherTab = { ensureBoxKey: store.ensureBoxKey };
  expect((await deviceBoxKey(otherTab)).publicKey).toEqual(first.publicKey);
});

test('a failed lookup is not remembered', async () => {
  const store = memoryStore();
  let fail = true;
  const flaky = { ensureBoxKey: (c: Parameters<typeof store.ensureBoxKey>[0]) => (fail ? Promise.reject(new Error('store closed')) : store.ensureBoxKey(c)) };
  await expect(deviceBoxKey(flaky)).rejects.toThrow('store closed');
  fail = false;
  expect((await deviceBoxKey(flaky)).publicKey).toHaveLength(32);
});
