import { afterEach, describe, expect, test } from 'vitest';
import type { TabnodeNode } from '../createNode.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { testNode, until } from '../testing.ts';
import { memoryStore, type Store } from '../../core/store/index.ts';
import { decodeOp } from '../../core/ops/op.ts';
import { memoryMeshHub } from './memoryMesh.ts';

const nodes: TabnodeNode[] = [];

/** The join and add-device ops a relay signed, from its own store: a relay registers no box key (it never holds an epoch key). */
async function relayDeviceOps(store: Store, id: string) {
  return (await store.ops(id)).map((b) => decodeOp(b)).filter((o) => o.body.kind === 'join' || o.body.kind === 'add-device');
}
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

describe('a relay node', () => {
  test('holds every op, runs no app and re-runs no calls; its own writes stop before signing', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const storeR = memoryStore();
    const [a, r] = [await testNode(hub, 'A'), await testNode(hub, 'Relay box', storeR)];
    nodes.push(a, r);
    const id = await a.contexts.create('Audited', { verifiable: true });
    await r.contexts.join(await a.contexts.open(id).invite({ role: 'relay' }));
    await until('the relay settled', async () => (await r.contexts.open(id).view()).myRole === 'relay');
    await until('A has the relay’s join', async () => (await a.contexts.open(id).view()).members.length === 2);
    const joins = await relayDeviceOps(storeR, id);
    expect(joins.map((o) => o.body.kind)).toEqual(['join']);
    for (const o of joins) expect(o.body.kind === 'join' && o.body.boxKey).toBeFalsy();

    const call = await a.contexts.open(id).call('set', { key: 'x', value: 1 });
    expect(call.op?.valid).toBe(true);
    const history = (await a.contexts.open(id).view()).opCount;
    await until('the relay holds the call', async () => (await r.contexts.open(id).view()).opCount === history);

    await expect(r.contexts.open(id).methods()).rejects.toMatchObject({ name: 'AppCallError', code: 'relay' });
    expect(await r.contexts.open(id).verifications()).toEqual([]);
    expect((await r.contexts.open(id).view()).alerts.filter((al) => al.kind === 'verification')).toEqual([]);
    // Nothing to write with: the call stops here, before anything is signed (peers would refuse it: relay-cannot-write).
    await expect(r.contexts.open(id).write({ method: 'set', args: { key: 'y', value: 2 } })).rejects.toMatchObject({ code: 'relay' });
    // The member sees the relay with its role, and nothing it tried to write.
    const seen = await a.contexts.open(id).view();
    expect(seen.members.map((m) => m.role).sort()).toEqual(['owner', 'relay']);
    expect(seen.kv).toEqual([['x', 1]]);
  }, 30_000);

  test('renews its delegation like any device: its add-device is valid and it stays a settled relay', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    let offset = 0;
    const now = () => Date.now() + offset;
    const storeR = memoryStore();
    const [a, r] = [await testNode(hub, 'A', memoryStore(), { now }), await testNode(hub, 'Relay box', storeR, { now })];
    nodes.push(a, r);
    const id = await a.contexts.create('Kept');
    await r.contexts.join(await a.contexts.open(id).invite({ role: 'relay' }));
    await until('the relay settled', async () => (await r.contexts.open(id).view()).myRole === 'relay');
    const relayRoot = (await r.contexts.open(id).view()).myRoot;
    // The relay settles on its own join; A may take a moment longer to receive it.
    const { expiresAt: before } = await until('A sees the relay device', async () => (await a.contexts.devicesOf(relayRoot))[0]);

    offset = 80 * 86_400_000; // within the 14-day warning of the 90-day delegation
    expect((await r.identity.status()).delegation?.expiringSoon).toBe(true);
    await r.devices.renew();
    const after = await until('A registers the renewed delegation', async () => {
      const [device] = await a.contexts.devicesOf(relayRoot);
      return device && device.expiresAt > before && device;
    });
    expect(after.revoked).toBe(false);
    const view = await r.contexts.open(id).view();
    expect(view).toMatchObject({ myRole: 'relay', joining: false });
    expect(view.joinProblem).toBeUndefined();
    expect(view.invalidOps).toEqual([]);
    const added = (await relayDeviceOps(storeR, id)).filter((o) => o.body.kind === 'add-device');
    expect(added).toHaveLength(1);
    for (const o of added) expect(o.body.kind === 'add-device' && o.body.boxKey).toBeFalsy();
  }, 30_000);
});
