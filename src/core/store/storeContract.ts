import { describe, expect, test } from 'vitest';
import { acknowledgeAlerts, MAX_ALERTS_KEPT, recordObservations } from '../alerts/alertBook.ts';
import type { AlertObservation } from '../alerts/alert.ts';
import { openSealedBox, sealToBoxKey, type BoxKeyPair } from '../crypto/hpke.ts';
import type { RootId } from '../identity/index.ts';
import type { DeviceKeyRecord, RootRecord, Store, StoreArea } from './Store.ts';
import { RootConflictError } from './Store.ts';
import { MAX_POINTS_PER_CONTEXT, type HealthPoint } from '../metrics/point.ts';

const ROOT_A = 'tabnode:local:4vJ9JU1bJJE96FWSJKvHsmmFADCg4gpZQff4P3bkLKi' as RootId;
const ROOT_B = 'tabnode:local:8qbHbw2BbbTHBW1sbeqakYXVKRQM8Ne7pLK7m6CVfeR1' as RootId;

function deviceKey(fill: number): DeviceKeyRecord {
  return { publicKey: new Uint8Array(32).fill(fill), handle: { kind: 'seed', seed: new Uint8Array(32).fill(fill) }, createdAt: fill };
}

/** An X25519 box key pair as the WebCrypto adapter makes one (private half non-extractable). */
async function boxKeyPair(): Promise<BoxKeyPair> {
  const pair = (await crypto.subtle.generateKey({ name: 'X25519' }, false, ['deriveBits'])) as CryptoKeyPair;
  return { publicKey: new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)), privateKey: pair.privateKey };
}

function observation(n: number, source = `op-${n}`): AlertObservation {
  return { id: `unauthorized|c1|member-${n}`, kind: 'unauthorized', context: 'c1', contextName: 'One', message: `Member ${n} tried to write`, source, at: 1_000 + n };
}

function rootRecord(id: RootId): RootRecord {
  return { id, kind: 'local', createdAt: 1 };
}

/**
 * The behaviour every Store must have, one section per role (Store.ts). Each adapter's test calls this with a factory;
 * `openSecond` (optional) opens a second handle on the same storage, as another tab would.
 */
export function storeContract(name: string, open: () => Promise<Store>, openSecond?: (first: Store) => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    test('starts empty', async () => {
      const store = await open();
      expect(await store.deviceKey()).toBeUndefined();
      expect(await store.root()).toBeUndefined();
      expect(await store.delegations()).toEqual([]);
      expect(await store.revocations()).toEqual([]);
      expect(await store.setting('missing')).toBeUndefined();
      await store.close();
    });

    describe('keys: the device key, the root, the vault key, the box key', () => {
      test('rotating with no device key stored (a sign-out landed mid-rotation) stores nothing', async () => {
        const store = await open();
        expect(await store.replaceDeviceKey(deviceKey(9).publicKey, deviceKey(6))).toBeUndefined();
        expect(await store.deviceKey()).toBeUndefined();
        await store.close();
      });

      test('the first device key stored wins', async () => {
        const store = await open();
        expect((await store.ensureDeviceKey(deviceKey(1))).publicKey).toEqual(deviceKey(1).publicKey);
        expect((await store.ensureDeviceKey(deviceKey(2))).publicKey).toEqual(deviceKey(1).publicKey);
        expect((await store.deviceKey())?.publicKey).toEqual(deviceKey(1).publicKey);
        // Rotation is compare-and-set: only the current key is replaced.
        expect((await store.replaceDeviceKey(deviceKey(9).publicKey, deviceKey(5)))?.publicKey).toEqual(deviceKey(1).publicKey);
        expect((await store.replaceDeviceKey(deviceKey(1).publicKey, deviceKey(5)))?.publicKey).toEqual(deviceKey(5).publicKey);
        expect((await store.deviceKey())?.publicKey).toEqual(deviceKey(5).publicKey);
        await store.close();
      });

      test('a root is set, restored, refused when another, and cleared', async () => {
        const store = await open();
        await store.setRoot(rootRecord(ROOT_A));
        await store.setRoot(rootRecord(ROOT_A));
        await expect(store.setRoot(rootRecord(ROOT_B))).rejects.toThrow(RootConflictError);
        expect((await store.root())?.id).toBe(ROOT_A);
        await store.clearRoot();
        expect(await store.root()).toBeUndefined();
        await store.setRoot(rootRecord(ROOT_B));
        expect((await store.root())?.id).toBe(ROOT_B);
        await store.close();
      });

      test('signing out forgets the root with the device key and the box key; the vault key, delegations and contexts stay', async () => {
        const store = await open();
        await store.setRoot(rootRecord(ROOT_A));
        await store.ensureDeviceKey(deviceKey(1));
        const box = await store.ensureBoxKey(await boxKeyPair());
        const vault = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
        await store.ensureVaultKey(vault);
        await store.putContext({ id: 'c1', name: 'c1', secret: new Uint8Array(32), signaling: [], createdAt: 1 });
        await store.clearRoot();
        expect(await store.root()).toBeUndefined();
        expect(await store.deviceKey()).toBeUndefined();
        // The next sign-in makes new keys.
        expect((await store.ensureDeviceKey(deviceKey(2))).publicKey).toEqual(deviceKey(2).publicKey);
        const next = await boxKeyPair();
        expect((await store.ensureBoxKey(next)).publicKey).toEqual(next.publicKey);
        expect(next.publicKey).not.toEqual(box.publicKey);
        const iv = new Uint8Array(12);
        const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, vault, new Uint8Array([1]));
        await expect(crypto.subtle.decrypt({ name: 'AES-GCM', iv }, await store.ensureVaultKey(await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])), sealed)).resolves.toBeDefined();
        expect((await store.contexts()).map((c) => c.id)).toEqual(['c1']);
        await store.close();
      });

      test('the vault key is first-writer-wins', async () => {
        const store = await open();
        const k1 = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
        const k2 = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
        const kept = await store.ensureVaultKey(k1);
        const again = await store.ensureVaultKey(k2);
        // Stores may hand back a copy (IndexedDB clones keys): it must be the same key.
        const iv = new Uint8Array(12);
        const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, kept, new Uint8Array([42]));
        expect(new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, again, sealed))).toEqual(new Uint8Array([42]));
        await expect(crypto.subtle.decrypt({ name: 'AES-GCM', iv }, k2, sealed)).rejects.toThrow();
        await store.close();
      });

      test('the box key is first-writer-wins and stays usable', async () => {
        const store = await open();
        const [a, b] = [await boxKeyPair(), await boxKeyPair()];
        const kept = await store.ensureBoxKey(a);
        const again = await store.ensureBoxKey(b);
        expect(kept.publicKey).toEqual(a.publicKey);
        expect(again.publicKey).toEqual(a.publicKey);
        // Stores may hand back a copy (IndexedDB clones keys): it must open what was sealed to the first.
        const info = new TextEncoder().encode('store contract');
        const box = await sealToBoxKey(a.publicKey, new Uint8Array([42]), info);
        expect(await openSealedBox(again, box, info)).toEqual(new Uint8Array([42]));
        expect(again.privateKey.extractable).toBe(false);
        await store.close();
      });

      if (openSecond) {
        test('two tabs racing for the box key end with the same one', async () => {
          const first = await open();
          const second = await openSecond(first);
          const [a, b] = await Promise.all([first.ensureBoxKey(await boxKeyPair()), second.ensureBoxKey(await boxKeyPair())]);
          expect(a.publicKey).toEqual(b.publicKey);
          await Promise.all([first.close(), second.close()]);
        });

        test('two tabs racing for the device key end with the same one', async () => {
          const first = await open();
          const second = await openSecond(first);
          const [a, b] = await Promise.all([first.ensureDeviceKey(deviceKey(3)), second.ensureDeviceKey(deviceKey(4))]);
          expect(a.publicKey).toEqual(b.publicKey);
          expect((await second.deviceKey())?.publicKey).toEqual(a.publicKey);
          await Promise.all([first.close(), second.close()]);
        });
      }
    });

    describe('certificates: delegations and revocations', () => {
      test('delegations and revocations are kept by client key', async () => {
        const store = await open();
        await store.putDelegation({ clientKey: 'k1', root: ROOT_A, expiresAt: 5, bytes: new Uint8Array([1]) });
        await store.putDelegation({ clientKey: 'k1', root: ROOT_A, expiresAt: 9, bytes: new Uint8Array([2]) });
        await store.putDelegation({ clientKey: 'k2', root: ROOT_A, expiresAt: 7, bytes: new Uint8Array([3]) });
        const stored = await store.delegations();
        expect(stored.map((d) => [d.clientKey, d.expiresAt]).sort()).toEqual([
          ['k1', 9],
          ['k2', 7],
        ]);
        await store.putRevocation({ clientKey: 'k1', root: ROOT_A, bytes: new Uint8Array([4]) });
        expect((await store.revocations()).map((r) => r.clientKey)).toEqual(['k1']);
        await store.close();
      });
    });

    describe('contexts and their ops, snapshots and rejections', () => {
      test('contexts, their ops in order, snapshots and rejections are kept', async () => {
        const store = await open();
        await store.putContext({ id: 'c1', name: 'One', secret: new Uint8Array(32).fill(1), signaling: [], createdAt: 1 });
        await store.putContext({ id: 'c1', name: 'One renamed', secret: new Uint8Array(32).fill(1), signaling: ['ws://x/signal'], createdAt: 1 });
        expect((await store.contexts()).map((c) => [c.id, c.name, c.signaling])).toEqual([['c1', 'One renamed', ['ws://x/signal']]]);
        await store.putOps('c1', [
          { key: 'a', bytes: new Uint8Array([1]) },
          { key: 'b', bytes: new Uint8Array([2]) },
        ]);
        await store.putOps('c1', [
          { key: 'b', bytes: new Uint8Array([2]) },
          { key: 'c', bytes: new Uint8Array([3]) },
        ]);
        await store.putOps('c2', [{ key: 'z', bytes: new Uint8Array([9]) }]);
        expect((await store.ops('c1')).map((b) => b[0])).toEqual([1, 2, 3]);
        expect(await store.ops('nope')).toEqual([]);
        await store.putSnapshot('c1', new Uint8Array([7, 7]));
        expect(await store.snapshot('c1')).toEqual(new Uint8Array([7, 7]));
        const many = Array.from({ length: 250 }, (_, i) => ({ context: 'c1', reason: 'bad-signature', message: `#${i}`, at: i }));
        await store.putRejections(many);
        const kept = await store.rejections('c1');
        expect(kept).toHaveLength(200);
        expect(kept.at(-1)?.message).toBe('#249');
        await store.close();
      });

      if (openSecond) {
        test('rejections written in another tab are read here, also after this tab read them', async () => {
          const first = await open();
          const second = await openSecond(first);
          await first.putRejections([{ context: 'c1', reason: 'bad-signature', message: 'here', at: 1 }]);
          expect((await first.rejections('c1')).map((r) => r.message)).toEqual(['here']);
          await second.putRejections([{ context: 'c1', reason: 'bad-signature', message: 'there', at: 2 }]);
          // Another tab's write reaches this one shortly after it lands, not necessarily at once.
          await expect.poll(async () => (await first.rejections('c1')).map((r) => r.message), { timeout: 5_000 }).toEqual(['here', 'there']);
          await second.deleteContext('c1');
          await expect.poll(async () => first.rejections('c1'), { timeout: 5_000 }).toEqual([]);
          await Promise.all([first.close(), second.close()]);
        });
      }

      test('deleting a context forgets its record, ops, snapshot, rejections, private entries, epoch keys and seals, and no other', async () => {
        const store = await open();
        for (const id of ['c1', 'c2']) {
          await store.putContext({ id, name: id, secret: new Uint8Array(32), signaling: [], createdAt: 1 });
          await store.putOps(id, [{ key: 'a', bytes: new Uint8Array([1]) }]);
          await store.putSnapshot(id, new Uint8Array([7]));
          await store.putRejections([{ context: id, reason: 'bad-signature', message: 'm', at: 1 }]);
          await store.putPrivate(id, [['p', new Uint8Array([2])]]);
          await store.putEpochKeys(id, [{ keyOp: 'aa', epoch: 0, wrapped: new Uint8Array([3]) }]);
          await store.replaceSeals(id, { entries: new Uint8Array([4]), mac: new Uint8Array([5]) }, []);
        }
        await store.deleteContext('c1');
        expect((await store.contexts()).map((c) => c.id)).toEqual(['c2']);
        expect(await store.ops('c1')).toEqual([]);
        expect(await store.snapshot('c1')).toBeUndefined();
        expect(await store.rejections('c1')).toEqual([]);
        expect(await store.privateEntries('c1')).toEqual([]);
        expect(await store.ops('c2')).toHaveLength(1);
        expect(await store.privateEntries('c2')).toHaveLength(1);
        expect(await store.epochKeys('c1')).toEqual([]);
        expect(await store.epochKeys('c2')).toHaveLength(1);
        expect(await store.seals('c1')).toEqual([]);
        expect(await store.seals('c2')).toHaveLength(1);
        await store.deleteContext('absent');
        await store.close();
      });
    });

    describe('private storage', () => {
      test('private entries are kept by context and key', async () => {
        const store = await open();
        await store.putPrivate('c1', [
          ['b', new Uint8Array([2])],
          ['a', new Uint8Array([1])],
        ]);
        await store.putPrivate('c1', [
          ['b', null],
          ['c', new Uint8Array([3])],
        ]);
        expect(await store.privateEntries('c1')).toEqual([
          ['a', new Uint8Array([1])],
          ['c', new Uint8Array([3])],
        ]);
        expect(await store.privateEntries('c2')).toEqual([]);
        await store.close();
      });
    });

    describe('epoch keys', () => {
      test('wrapped epoch keys are kept per context and key op, by epoch then key op; a key op put again replaces its record', async () => {
        const store = await open();
        expect(await store.epochKeys('c1')).toEqual([]);
        const wrapped = (n: number) => new Uint8Array(60).fill(n);
        await store.putEpochKeys('c1', [
          { keyOp: 'cc', epoch: 1, wrapped: wrapped(1) },
          { keyOp: 'aa', epoch: 0, wrapped: wrapped(0) },
        ]);
        await store.putEpochKeys('c1', [
          { keyOp: 'bb', epoch: 1, wrapped: wrapped(2) },
          { keyOp: 'cc', epoch: 1, wrapped: wrapped(3) },
        ]);
        await store.putEpochKeys('c2', [{ keyOp: 'aa', epoch: 0, wrapped: wrapped(9) }]);
        await store.putEpochKeys('c2', []);
        expect((await store.epochKeys('c1')).map((r) => [r.keyOp, r.epoch, r.wrapped[0], r.wrapped.length])).toEqual([
          ['aa', 0, 0, 60],
          ['bb', 1, 2, 60],
          ['cc', 1, 3, 60],
        ]);
        expect(await store.epochKeys('c2')).toEqual([{ keyOp: 'aa', epoch: 0, wrapped: wrapped(9) }]);
        await store.close();
      });
    });

    describe('apps', () => {
      test('app binaries are kept by hash', async () => {
        const store = await open();
        await store.putApp('ab', new Uint8Array([0, 97, 115, 109]));
        expect(await store.app('ab')).toEqual(new Uint8Array([0, 97, 115, 109]));
        expect(await store.app('cd')).toBeUndefined();
        await store.close();
      });
    });

    describe('settings', () => {
      test('settings hold JSON-like values by copy', async () => {
        const store = await open();
        const value = { urls: ['ws://a/signal'], n: 1, on: true };
        await store.putSetting('mesh', value);
        value.urls.push('mutated');
        expect(await store.setting('mesh')).toEqual({ urls: ['ws://a/signal'], n: 1, on: true });
        await store.close();
      });

      test('an update reads and writes in one step: concurrent updates all land, and one that returns nothing leaves the value', async () => {
        const store = await open();
        const add = (n: number) => store.updateSetting('list', (current) => [...(Array.isArray(current) ? current : []), n]);
        await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(add));
        expect(((await store.setting('list')) as number[]).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        expect(await store.updateSetting('list', () => undefined)).toHaveLength(8);
        expect(await store.updateSetting('absent', () => undefined)).toBeUndefined();
        expect(await store.setting('absent')).toBeUndefined();
        await store.close();
      });

      if (openSecond) {
        test('two tabs updating one setting at once lose neither change', async () => {
          const first = await open();
          const second = await openSecond(first);
          const add = (s: Store, n: number) => s.updateSetting('forgotten', (current) => [...(Array.isArray(current) ? current : []), n]);
          await Promise.all([1, 2, 3, 4, 5, 6].map((n) => add(n % 2 ? first : second, n)));
          expect(((await second.setting('forgotten')) as number[]).sort()).toEqual([1, 2, 3, 4, 5, 6]);
          await Promise.all([first.close(), second.close()]);
        });
      }
    });

    describe('alerts', () => {
      test('alerts round-trip, newest first, and an update that changes nothing writes nothing', async () => {
        const store = await open();
        expect(await store.alerts()).toEqual([]);
        const kept = await store.updateAlerts((current) => recordObservations(current, [observation(1), observation(2), observation(1, 'op-1b')]));
        expect(kept.map((a) => [a.id, a.count])).toEqual([
          ['unauthorized|c1|member-2', 1],
          ['unauthorized|c1|member-1', 2],
        ]);
        expect(await store.alerts()).toEqual(kept);
        let calls = 0;
        store.onChange(() => calls++);
        expect(await store.updateAlerts((current) => recordObservations(current, [observation(2)]))).toEqual(kept);
        await store.updateAlerts((current) => acknowledgeAlerts(current, ['unauthorized|c1|member-2']));
        const after = await store.alerts();
        expect(after.find((a) => a.id === 'unauthorized|c1|member-2')?.acknowledged).toBe(true);
        expect(after.find((a) => a.id === 'unauthorized|c1|member-1')?.acknowledged).toBe(false);
        await store.close();
      });

      test(`alerts are bounded: the ${MAX_ALERTS_KEPT} seen most recently are kept`, async () => {
        const store = await open();
        const many = Array.from({ length: MAX_ALERTS_KEPT + 20 }, (_, i) => observation(i));
        const kept = await store.updateAlerts((current) => recordObservations(current, many));
        expect(kept).toHaveLength(MAX_ALERTS_KEPT);
        expect(kept[0]?.message).toBe(`Member ${MAX_ALERTS_KEPT + 19} tried to write`);
        expect(kept.some((a) => a.message === 'Member 19 tried to write')).toBe(false);
        expect(await store.alerts()).toHaveLength(MAX_ALERTS_KEPT);
        await store.close();
      });

      if (openSecond) {
        test('an alert acknowledged in one tab is acknowledged in the other', async () => {
          const first = await open();
          const second = await openSecond(first);
          await first.updateAlerts((current) => recordObservations(current, [observation(1)]));
          await second.updateAlerts((current) => acknowledgeAlerts(current, 'all'));
          expect((await first.alerts()).map((a) => a.acknowledged)).toEqual([true]);
          await Promise.all([first.close(), second.close()]);
        });
      }
    });

    describe('metrics', () => {
      test('metrics: a context’s series is replaced on save, bounded to its newest points', async () => {
        const store = await open();
        expect(await store.metrics()).toEqual([]);
        const point = (t: number): HealthPoint => ({ t, peers: 1, links: 2, refusedLinks: 0, opsIn: 0.4, opsOut: 1.2, published: 0.2, refused: 0, latencyMs: t % 2 ? null : 35, lag: 0 });
        await store.putMetrics({ context: 'c1', savedAt: 1, points: [point(1), point(2)] });
        await store.putMetrics({ context: 'c2', savedAt: 1, points: [point(5)] });
        const many = Array.from({ length: MAX_POINTS_PER_CONTEXT + 10 }, (_, i) => point(100 + i));
        await store.putMetrics({ context: 'c1', savedAt: 2, points: many });
        const stored = new Map((await store.metrics()).map((r) => [r.context, r]));
        expect([...stored.keys()].sort()).toEqual(['c1', 'c2']);
        expect(stored.get('c1')!.savedAt).toBe(2);
        expect(stored.get('c1')!.points).toEqual(many.slice(-MAX_POINTS_PER_CONTEXT));
        expect(stored.get('c2')!.points).toEqual([point(5)]);
        await store.close();
      });
    });

    describe('seals: verified history (docs/decisions/stored-verdicts.md)', () => {
      test('seals are kept per context in order; replacing deletes the listed ones in the same step', async () => {
        const store = await open();
        expect(await store.seals('c1')).toEqual([]);
        const entries = (n: number) => new Uint8Array(96).fill(n);
        const a = await store.replaceSeals('c1', { entries: entries(1), mac: new Uint8Array([1]) }, []);
        const b = await store.replaceSeals('c1', { entries: entries(2), mac: new Uint8Array([2]) }, []);
        await store.replaceSeals('c2', { entries: entries(9), mac: new Uint8Array([9]) }, []);
        expect((await store.seals('c1')).map((r) => [r.seq, r.entries[0], r.mac[0]])).toEqual([
          [a, 1, 1],
          [b, 2, 2],
        ]);
        const merged = await store.replaceSeals('c1', { entries: new Uint8Array([...entries(1), ...entries(2)]), mac: new Uint8Array([3]) }, [a, b]);
        const left = await store.seals('c1');
        expect(left.map((r) => [r.seq, r.entries.length, r.mac[0]])).toEqual([[merged, 192, 3]]);
        expect(merged).toBeGreaterThan(b);
        expect((await store.seals('c2')).map((r) => r.entries[0])).toEqual([9]);
        await store.close();
      });

      test('ops and the seal vouching for them are stored in one step; ops stored already are skipped, listed seals deleted', async () => {
        const store = await open();
        const entries = (n: number) => new Uint8Array(96).fill(n);
        await store.putOps('c1', [{ key: 'a', bytes: new Uint8Array([1]) }]);
        const first = await store.replaceSeals('c1', { entries: entries(1), mac: new Uint8Array([1]) }, []);
        const seq = await store.putSealedOps(
          'c1',
          [
            { key: 'a', bytes: new Uint8Array([1]) },
            { key: 'b', bytes: new Uint8Array([2]) },
          ],
          { entries: new Uint8Array([...entries(1), ...entries(2)]), mac: new Uint8Array([2]) },
          [first],
        );
        expect(await store.ops('c1')).toEqual([new Uint8Array([1]), new Uint8Array([2])]);
        expect((await store.seals('c1')).map((r) => [r.seq, r.entries.length, r.mac[0]])).toEqual([[seq, 192, 2]]);
        expect(seq).toBeGreaterThan(first);
        // Another context's ops and seals are its own.
        await store.putSealedOps('c2', [{ key: 'a', bytes: new Uint8Array([9]) }], { entries: entries(9), mac: new Uint8Array([9]) }, []);
        expect(await store.ops('c2')).toEqual([new Uint8Array([9])]);
        expect(await store.ops('c1')).toHaveLength(2);
        expect(await store.seals('c1')).toHaveLength(1);
        await store.close();
      });

      test('the seal key is first-writer-wins and stays usable', async () => {
        const store = await open();
        const params: HmacKeyGenParams = { name: 'HMAC', hash: 'SHA-256' };
        const k1 = await crypto.subtle.generateKey(params, false, ['sign', 'verify']);
        const k2 = await crypto.subtle.generateKey(params, false, ['sign', 'verify']);
        const kept = await store.ensureSealKey(k1);
        const again = await store.ensureSealKey(k2);
        const data = new Uint8Array([1, 2, 3]);
        const mac = await crypto.subtle.sign('HMAC', kept, data);
        expect(await crypto.subtle.verify('HMAC', again, mac, data)).toBe(true);
        expect(await crypto.subtle.verify('HMAC', k2, mac, data)).toBe(false);
        expect(again.extractable).toBe(false);
        await store.close();
      });
    });

    describe('events: listeners, across tabs', () => {
      test('listeners hear about changes', async () => {
        const store = await open();
        let calls = 0;
        const heard = new Promise<void>((resolve) =>
          store.onChange(() => {
            calls++;
            resolve();
          }),
        );
        await store.putSetting('x', 1);
        await heard;
        expect(calls).toBeGreaterThan(0);
        await store.close();
      });

      test('listeners hear which areas a change touched: a context history, the identity, or other', async () => {
        const store = await open();
        const heard: StoreArea[] = [];
        store.onChange((areas) => heard.push(...areas));
        const after = async (write: () => Promise<unknown>) => {
          heard.length = 0;
          await write();
          await expect.poll(() => heard.length).toBeGreaterThan(0);
          return [...new Set(heard)];
        };
        expect(await after(() => store.putOps('c1', [{ key: 'a', bytes: new Uint8Array([1]) }]))).toEqual(['history']);
        expect(await after(() => store.setRoot(rootRecord(ROOT_A)))).toEqual(['identity']);
        expect(await after(() => store.putSetting('x', 1))).toEqual(['other']);
        await store.close();
      });

      if (openSecond) {
        test('a change made in one tab is heard in the other', async () => {
          const first = await open();
          const second = await openSecond(first);
          const heard = new Promise<void>((resolve) => second.onChange(() => resolve()));
          await first.putSetting('theme', 'dark');
          await heard;
          expect(await second.setting('theme')).toBe('dark');
          await Promise.all([first.close(), second.close()]);
        });
      }
    });
  });
}
