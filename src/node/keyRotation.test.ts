// Rotation on a cadence, driven by a virtual clock: the node's platform clock and its
// rotation checks both run on `simScheduler`, so "31 days later" takes no time.
import { afterEach, describe, expect, test } from 'vitest';
import { DAY_MS, RotationCadenceError } from '../core/identity/index.ts';
import { simScheduler, type SimScheduler } from '../core/mesh/simScheduler.ts';
import { memoryStore, type Store } from '../core/store/index.ts';
import { memoryMeshHub } from './contexts/memoryMesh.ts';
import type { TabnodeNode } from './createNode.ts';
import { realTimeScheduler } from './scheduler.ts';
import { bareTestNode, testNode, until } from './testing.ts';
import { ethereumWallet } from './walletDoubles.testing.ts';
import { laptopWithAbsentPhone } from './hygieneScenario.testing.ts';

const HOUR = 3_600_000;
const nodes: TabnodeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

function clock(): SimScheduler {
  return simScheduler(Date.UTC(2026, 11, 1));
}

async function localNode(sim: SimScheduler, name = 'A', store = memoryStore()): Promise<TabnodeNode> {
  const node = await testNode(memoryMeshHub(realTimeScheduler), name, store, { now: sim.now, rotationScheduler: sim });
  nodes.push(node);
  return node;
}

/**
 * Move the virtual clock by `ms`: the rotation check due in that time runs (once per node)
 * and looks at the clock as it is at the end. Resolves when each of the `loops` nodes'
 * checks has finished and scheduled its next one.
 */
async function advance(sim: SimScheduler, ms: number, loops = 1): Promise<void> {
  sim.advance(ms);
  await until('every rotation check looked and rescheduled', async () => sim.pending() === loops);
}

const keyOf = async (node: TabnodeNode) => (await node.identity.status()).device.publicKey;

describe('key rotation on a cadence', () => {
  test('a local root rotates its key once it is as old as the cadence, not before', async () => {
    const sim = clock();
    const node = await localNode(sim);
    const status = await node.devices.rotation.setCadence(7);
    const first = await keyOf(node);
    expect(status).toMatchObject({ cadenceDays: 7, due: false, automatic: true, dueAt: status.keyCreatedAt + 7 * DAY_MS });

    await advance(sim, 7 * DAY_MS - HOUR);
    expect(await keyOf(node)).toBe(first);

    await advance(sim, 2 * HOUR);
    const second = await keyOf(node);
    expect(second).not.toBe(first);
    const after = await node.devices.rotation.status();
    expect(after).toMatchObject({ due: false, last: { outcome: 'rotated', oldKey: first, newKey: second } });
    expect(after.keyCreatedAt).toBe(sim.now());
    const devices = await node.devices.list();
    expect(devices.map((d) => [d.key, d.thisDevice, d.revoked])).toEqual([
      [second, true, false],
      [first, false, true],
    ]);

    // The next rotation is a cadence after the new key, not after the old one.
    await advance(sim, 6 * DAY_MS);
    expect(await keyOf(node)).toBe(second);
  });

  test('off means never; turning it on rotates an overdue key at once', async () => {
    const sim = clock();
    const node = await localNode(sim);
    await node.devices.rotation.setCadence(null);
    const first = await keyOf(node);
    for (let i = 0; i < 4; i++) await advance(sim, 100 * DAY_MS);
    expect(await keyOf(node)).toBe(first);
    expect(await node.devices.rotation.status()).toMatchObject({ cadenceDays: null, due: false });
    expect((await node.devices.rotation.status()).dueAt).toBeUndefined();

    const on = await node.devices.rotation.setCadence(30);
    expect(on.last).toMatchObject({ outcome: 'rotated', oldKey: first });
    expect(await keyOf(node)).not.toBe(first);
  });

  test('a cadence outside the bounds is refused and the stored one kept', async () => {
    const node = await localNode(clock());
    await node.devices.rotation.setCadence(14);
    for (const bad of [0, 366, 2.5]) await expect(node.devices.rotation.setCadence(bad)).rejects.toThrow(RotationCadenceError);
    expect(await node.devices.rotation.cadence()).toBe(14);
  });

  test('two tabs on one profile look at the same moment: the key is rotated once', async () => {
    const sim = clock();
    const store = memoryStore();
    const tab1 = await localNode(sim, 'tab1', store);
    const tab2 = await bareTestNode(memoryMeshHub(realTimeScheduler), 'tab2', { store, now: sim.now, rotationScheduler: sim });
    nodes.push(tab2);
    const first = await keyOf(tab1);

    await advance(sim, 31 * DAY_MS, 2);
    const outcomes = await Promise.all([tab1, tab2].map(async (t) => (await t.devices.rotation.status()).last?.outcome));
    expect(outcomes.sort()).toEqual(['another-tab', 'rotated']);
    const second = await keyOf(tab1);
    expect(second).not.toBe(first);
    expect(await keyOf(tab2)).toBe(second);
    expect((await store.revocations()).map((r) => r.clientKey)).toEqual([first]);
    // The losing tab's candidate key was dropped with its private half: it is no device.
    expect((await tab2.devices.list()).map((d) => d.key)).toEqual([second, first]);
  });

  test('a tab that judged the old key due after another tab replaced it does not rotate the fresh key', async () => {
    const sim = clock();
    const store = memoryStore();
    const tab1 = await localNode(sim, 'tab1', store);
    // Tab 2 reads the cadence late: by then tab 1 has rotated, but tab 2 judged the old key.
    let late = false;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slow: Store = { ...store, setting: async (key) => ((late && key === 'key-rotation' && (await gate)), store.setting(key)) };
    const tab2 = await bareTestNode(memoryMeshHub(realTimeScheduler), 'tab2', { store: slow, now: sim.now, rotationScheduler: sim });
    nodes.push(tab2);
    const first = await keyOf(tab1);

    late = true;
    sim.advance(31 * DAY_MS);
    await until('tab 1 rotated', async () => (await tab1.devices.rotation.status()).last?.outcome === 'rotated');
    open();
    await until('both looked and rescheduled', async () => sim.pending() === 2);
    expect((await tab2.devices.rotation.status()).last?.outcome).toBe('another-tab');
    expect((await store.revocations()).map((r) => r.clientKey)).toEqual([first]);
    expect((await tab1.devices.list()).map((d) => d.revoked)).toEqual([false, true]);
  });

  test('a wallet root is told rotation is due instead of being prompted; confirming rotates', async () => {
    const sim = clock();
    let prompts = 0;
    const wallet = ethereumWallet();
    const counted = { ...wallet, signMessage: (m: Parameters<typeof wallet.signMessage>[0]) => (prompts++, wallet.signMessage(m)) };
    const node = await bareTestNode(memoryMeshHub(realTimeScheduler), 'A', { now: sim.now, rotationScheduler: sim });
    nodes.push(node);
    await node.identity.loginWithWallet(counted, 'Laptop');
    await node.devices.rotation.setCadence(1);
    const first = await keyOf(node);
    const signed = prompts;

    await advance(sim, 2 * DAY_MS);
    expect(await node.devices.rotation.status()).toMatchObject({ due: true, automatic: false, rootKind: 'ethereum', last: { outcome: 'needs-wallet' } });
    expect(await keyOf(node)).toBe(first);
    expect(prompts).toBe(signed);

    await node.devices.rotate({ wallet: counted });
    expect(await keyOf(node)).not.toBe(first);
    expect(await node.devices.rotation.status()).toMatchObject({ due: false });
  });
});

describe('contexts after an automatic rotation', () => {
  test('two members both rotate on schedule and their context keeps syncing both ways', async () => {
    const sim = clock();
    const hub = memoryMeshHub(realTimeScheduler);
    const [a, b] = await Promise.all(['A', 'B'].map((name) => testNode(hub, name, memoryStore(), { now: sim.now, rotationScheduler: sim })));
    nodes.push(a!, b!);
    const id = await a!.contexts.create('Rotating');
    await b!.contexts.join(await a!.contexts.open(id).invite({ role: 'writer' }));
    await until('B joined', async () => !(await b!.contexts.open(id).view()).joining);
    const [oldA, oldB] = await Promise.all([keyOf(a!), keyOf(b!)]);

    await advance(sim, 31 * DAY_MS, 2);
    expect((await a!.devices.rotation.status()).last?.outcome).toBe('rotated');
    expect((await b!.devices.rotation.status()).last?.outcome).toBe('rotated');

    expect(await a!.contexts.open(id).write({ method: 'set', args: { key: 'from-a', value: 1 } })).toMatchObject({ valid: true });
    expect(await b!.contexts.open(id).write({ method: 'set', args: { key: 'from-b', value: 2 } })).toMatchObject({ valid: true });
    const both = (kv: (readonly [string, unknown])[]) => ['from-a', 'from-b'].every((k) => kv.some(([key]) => key === k));
    await until('A has both writes', async () => both((await a!.contexts.open(id).view()).kv));
    await until('B has both writes', async () => both((await b!.contexts.open(id).view()).kv));

    // Each side sees the other's old key retired and its new key in use.
    const rootA = (await a!.identity.status()).root!.id;
    const aOnB = await until('B knows A’s old key is revoked', async () => {
      const keys = await b!.contexts.devicesOf(rootA);
      return keys.some((k) => k.revoked) && keys;
    });
    expect(aOnB.filter((k) => !k.revoked)).toHaveLength(1);
    const audit = await b!.contexts.open(id).audit();
    expect(audit.filter((e) => e.kind === 'revoke-key' && e.valid)).toHaveLength(2);
    expect(await keyOf(a!)).not.toBe(oldA);
    expect(await keyOf(b!)).not.toBe(oldB);
  });
});

describe('device hygiene', () => {
  test('a device away longer than the stale window is stale; delegations near their end are expiring', async () => {
    const { laptop, clock, phoneKey } = await laptopWithAbsentPhone();
    nodes.push(laptop);
    await laptop.devices.rotation.setCadence(null);
    const laptopKey = await keyOf(laptop);
    expect(await laptop.devices.hygiene()).toMatchObject({ expiring: [], stale: [], staleAfterDays: 30 });

    clock.now += 31 * DAY_MS;
    const month = await laptop.devices.hygiene();
    expect(month.expiring).toEqual([]);
    expect(month.stale.map((e) => [e.key, e.label, e.reasons])).toEqual([[phoneKey, 'Phone', ['not-seen']]]);

    clock.now += 50 * DAY_MS; // 81 days: nine left on both delegations
    const late = await laptop.devices.hygiene();
    expect(late.expiring.map((e) => [e.label, e.daysLeft])).toEqual([
      ['Laptop', 9],
      ['Phone', 9],
    ]);
    expect(late.stale.map((e) => [e.key, e.reasons])).toEqual([[phoneKey, ['expiring', 'not-seen']]]);

    // Revoking the phone takes it off both lists; turning a cadence on rotates the laptop's
    // old key at once, and its fresh delegation ends nowhere near.
    await laptop.devices.revoke(phoneKey);
    expect((await laptop.devices.hygiene()).stale).toEqual([]);
    await laptop.devices.rotation.setCadence(60);
    expect(await keyOf(laptop)).not.toBe(laptopKey);
    expect(await laptop.devices.hygiene()).toMatchObject({ expiring: [], stale: [] });
  }, 60_000);
});
