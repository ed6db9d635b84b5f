import { expect, test } from 'vitest';
import { dexieStore } from '../dexie/dexieStore.ts';
import { openVault, VaultError } from './vault.ts';

test('private values are sealed at rest, bound to their slot, and open after a reload', async () => {
  const name = `vault-test-${Date.now()}`;
  const store = await dexieStore(name);
  const vault = await openVault(store);
  const secret = new TextEncoder().encode('my private note about the launch');
  const sealed = await vault.seal('ctx', 'note', secret);
  expect(new TextDecoder().decode(sealed)).not.toContain('launch');
  await store.putPrivate('ctx', [['note', sealed]]);
  await expect(vault.open('ctx', 'other-key', sealed)).rejects.toThrow(VaultError);
  await expect(vault.open('other-ctx', 'note', sealed)).rejects.toThrow(VaultError);
  await store.close();

  const reopened = await dexieStore(name);
  const vault2 = await openVault(reopened);
  const [[key, stored]] = (await reopened.privateEntries('ctx')) as [[string, Uint8Array]];
  expect(key).toBe('note');
  expect(new TextDecoder().decode(await vault2.open('ctx', 'note', stored))).toBe('my private note about the launch');
  await reopened.close();
});
