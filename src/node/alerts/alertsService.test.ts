import { afterEach, describe, expect, test } from 'vitest';
import { memoryStore } from '../../core/store/index.ts';
import { memoryMeshHub } from '../contexts/memoryMesh.ts';
import type { TabnodeNode } from '../createNode.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { bareTestNode, testNode, until } from '../testing.ts';

/** Node alerts over memory links: what the rules refuse reaches the admin's one alert list. */
const nodes: TabnodeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

describe('node alerts', () => {
  test("a reader's refused write raises one alert on the admin's node, naming the reader; acknowledged, it stays so after a restart", async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const storeA = memoryStore();
    const a = await testNode(hub, 'Alice laptop', storeA);
    const b = await testNode(hub, 'Bob laptop');
    nodes.push(a, b);
    const id = await a.contexts.create('Design team');
    await b.contexts.join(await a.contexts.open(id).invite({ role: 'reader' }));
    await until('B is a member on A', async () => (await a.contexts.open(id).view()).members.length === 2);
    await until('B knows it is a reader', async () => (await b.contexts.open(id).view()).myRole === 'reader');

    expect(await b.contexts.open(id).write({ method: 'set', args: { key: 'sneaky', value: 1 } })).toMatchObject({ valid: false, reason: 'insufficient-role' });
    const [alert] = await until('A has an alert', async () => {
      const list = (await a.alerts.list()).filter((x) => x.kind === 'unauthorized');
      return list.length ? list : undefined;
    });
    expect(alert).toMatchObject({ kind: 'unauthorized', severity: 'warning', context: id, contextName: 'Design team', count: 1, acknowledged: false });
    expect(alert!.message).toBe('Bob laptop tried to change the shared data in “Design team” and was refused: role does not allow it.');
    expect(alert!.message).not.toMatch(/tabnode:local|insufficient-role/);
    // The rule's own words stay with it, as the detail.
    expect(alert!.detail).toBe('insufficient-role: a reader cannot do this (needs writer)');
    // B's node does not alert about its own write: its caller was told at once.
    await b.alerts.refresh();
    expect((await b.alerts.list()).some((x) => x.kind === 'unauthorized')).toBe(false);

    // A second refused write counts on the same alert and opens it again.
    await a.alerts.acknowledge(alert!.id);
    expect((await a.alerts.list()).find((x) => x.id === alert!.id)?.acknowledged).toBe(true);
    await b.contexts.open(id).write({ method: 'set', args: { key: 'sneaky', value: 2 } });
    const again = await until('counted twice', async () => (await a.alerts.list()).find((x) => x.id === alert!.id && x.count === 2));
    expect(again.acknowledged).toBe(false);
    expect(await a.alerts.claimNotifications([alert!.id])).toEqual([alert!.id]);
    expect(await a.alerts.claimNotifications([alert!.id])).toEqual([]);
    await a.alerts.acknowledgeAll();

    // Restarted on the same store: refused ops are not stored (only shown), so the alert is
    // what remains of them, as it was.
    await a.close();
    nodes.splice(nodes.indexOf(a), 1);
    const a2 = await bareTestNode(hub, 'Alice laptop', { store: storeA });
    nodes.push(a2);
    await until('the context is back', async () => (await a2.contexts.open(id).view()).members.length === 2);
    await a2.alerts.refresh();
    const after = (await a2.alerts.list()).find((x) => x.id === alert!.id);
    expect(after).toMatchObject({ count: 2, acknowledged: true });
  }, 30_000);

  test("this device's delegation ending soon is an alert, critical once ended", async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    let now = Date.now();
    const a = await testNode(hub, 'Alice laptop', memoryStore(), { now: () => now });
    nodes.push(a);
    await a.alerts.refresh();
    expect((await a.alerts.list()).some((x) => x.kind === 'delegation-expiring')).toBe(false);
    const expiresAt = (await a.identity.status()).delegation!.expiresAt;
    now = expiresAt - 3 * 86_400_000;
    await a.alerts.refresh();
    const soon = (await a.alerts.list()).find((x) => x.kind === 'delegation-expiring')!;
    expect(soon).toMatchObject({ severity: 'warning', count: 1 });
    expect(soon.message).toMatch(/ends in 3 days/);
    now = expiresAt + 1;
    await a.alerts.refresh();
    const ended = (await a.alerts.list()).find((x) => x.kind === 'delegation-expiring')!;
    expect(ended).toMatchObject({ id: soon.id, severity: 'critical', count: 2 });
    expect(ended.message).toMatch(/can no longer sign/);
  });
});
