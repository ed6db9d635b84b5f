import { expect, test } from 'vitest';
import { toHex } from '../../core/crypto/index.ts';
import { dexieStore } from '../dexie/dexieStore.ts';
import { EpochKeyWrapError, unwrapEpochKey, wrapEpochKey } from './epochKeyWrap.ts';
import { openVault } from './vault.ts';

const opId = (fill: number) => toHex(new Uint8Array(32).fill(fill));
const contains = (haystack: Uint8Array, needle: Uint8Array) => toHex(haystack).includes(toHex(needle));

test('an epoch key is stored wrapped, opens back after a reload, and only in its own context and key op', async () => {
  const name = `epoch-key-test-${Date.now()}`;
  const context = opId(0xc1);
  const keyOp = opId(0x0a);
  const raw = crypto.getRandomValues(new Uint8Array(32));

  const store = await dexieStore(name);
  const vault = await openVault(store);
  await store.putEpochKeys(context, [{ keyOp, epoch: 3, wrapped: await wrapEpochKey(vault, context, keyOp, raw) }]);
  await store.close();

  const reopened = await dexieStore(name);
  const vault2 = await openVault(reopened);
  const [record] = await reopened.epochKeys(context);
  expect(record).toMatchObject({ keyOp, epoch: 3 });
  // At rest: the raw key's bytes appear nowhere in the record.
  expect(contains(record!.wrapped, raw)).toBe(false);
  expect(await unwrapEpochKey(vault2, context, keyOp, record!.wrapped)).toEqual(raw);

  // Moved to another context or another key op, or altered: it does not open.
  await expect(unwrapEpochKey(vault2, opId(0xc2), keyOp, record!.wrapped)).rejects.toThrow(EpochKeyWrapError);
  await expect(unwrapEpochKey(vault2, context, opId(0x0b), record!.wrapped)).rejects.toThrow(/moved from another context or op/);
  const altered = record!.wrapped.slice();
  altered[20]! ^= 1;
  await expect(unwrapEpochKey(vault2, context, keyOp, altered)).rejects.toThrow(EpochKeyWrapError);
  await reopened.close();

  // Another browser profile (another vault key) cannot open it either.
  const otherProfile = await dexieStore(`${name}-other`);
  await expect(unwrapEpochKey(await openVault(otherProfile), context, keyOp, record!.wrapped)).rejects.toThrow(EpochKeyWrapError);
  await otherProfile.close();
});

test('wrong lengths and names are refused with clear errors', async () => {
  const store = await dexieStore(`epoch-key-bounds-${Date.now()}`);
  const vault = await openVault(store);
  await expect(wrapEpochKey(vault, 'ctx', opId(1), new Uint8Array(16))).rejects.toThrow(/epoch key is 32 bytes, got 16/);
  await expect(wrapEpochKey(vault, 'ctx', 'not-an-op-id', new Uint8Array(32))).rejects.toThrow(/64 lowercase hex digits/);
  // A 31-byte value sealed in an epoch key's slot opens, but is not an epoch key.
  const short = await vault.seal('ctx', `epoch-key:${opId(1)}`, new Uint8Array(31));
  await expect(unwrapEpochKey(vault, 'ctx', opId(1), short)).rejects.toThrow(/is 31 bytes, not 32/);
  await store.close();
});
