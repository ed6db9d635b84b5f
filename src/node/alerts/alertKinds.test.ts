// Each kind of alert from a real cause to the node's one alert list (`node.alerts.list()`,
// what the alert centre and notifications read): not the mapping alone (contextObservations
// has unit tests of that), but the problem happening between nodes and the stored alert it
// leaves. Anchor alerts need a chain: src/node/anchors/anchoring.test.ts checks those.
import { describe, expect, test } from 'vitest';
import type { AlertKind, AlertRecord } from '../../core/alerts/index.ts';
import { encodeCheckpoint, signCheckpoint } from '../../core/state/index.ts';
import { REFUSED_LIMITS } from '../../core/context/replica.ts';
import { SYNC_QUOTAS } from '../../core/sync/quota.ts';
import { memoryMeshHub } from '../contexts/memoryMesh.ts';
import type { TabnodeNode } from '../createNode.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { testNode, until } from '../testing.ts';
import { attackWorld, stagedPerTest } from '../attacks/world.ts';
import { becomeMember, junkOps } from '../attacks/tactics.ts';

const staged = stagedPerTest();

/** The stored alerts of `kind` on `node`, once there is one (a pass runs after each context change). */
const alertsOf = (node: TabnodeNode, kind: AlertKind, what: string): Promise<AlertRecord[]> =>
  until(what, async () => {
    const list = (await node.alerts.list()).filter((a) => a.kind === kind);
    return list.length ? list : undefined;
  });

describe('every alert kind reaches the alert list from a real cause', () => {
  test('a failed join: a one-use invite already used is refused, and the joiner has a failed-sync alert saying so', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const a = staged(await testNode(hub, 'Alice laptop'));
    const b = staged(await testNode(hub, 'Bob laptop'));
    const c = staged(await testNode(hub, 'Carol laptop'));
    const id = await a.contexts.create('Design team');
    const link = await a.contexts.open(id).invite({ role: 'writer', maxUses: 1 });
    await b.contexts.join(link);
    await until('B joined', async () => !(await b.contexts.open(id).view()).joining);
    await c.contexts.join(link);
    const [alert] = await alertsOf(c, 'sync-failed', 'C has a failed-sync alert');
    expect(alert).toMatchObject({ kind: 'sync-failed', severity: 'warning', context: id, count: 1, acknowledged: false });
    expect(alert!.message).toMatch(/does not take the invite .*ask for a new link/);
    expect(alert!.detail).toMatch(/used up/);
    expect((await c.contexts.open(id).view()).joining).toBe(true);
    // Nobody else is told of C's attempt as a failed sync of theirs.
    for (const n of [a, b]) {
      await n.alerts.refresh();
      expect((await n.alerts.list()).filter((x) => x.kind === 'sync-failed')).toEqual([]);
    }
    // As the alert says: a new link, and C joins.
    await c.contexts.join(await a.contexts.open(id).invite({ role: 'writer', maxUses: 1 }));
    await until('C joined with the new link', async () => (await c.contexts.open(id).view()).myRole === 'writer', 20_000);
  }, 40_000);

  test('a failed sync: a member removed while it was away finds the others refusing it, and says so', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const a = staged(await testNode(hub, 'Alice laptop'));
    const b = staged(await testNode(hub, 'Bob laptop'));
    const id = await a.contexts.create('Design team');
    await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
    await until('B joined', async () => !(await b.contexts.open(id).view()).joining);
    await b.contexts.open(id).setOnline(false);
    const bRoot = (await b.identity.status()).root!.id;
    expect(await a.contexts.open(id).remove(bRoot)).toMatchObject({ valid: true });
    await b.contexts.open(id).setOnline(true);
    const [alert] = await alertsOf(b, 'sync-failed', 'B has a failed-sync alert');
    expect(alert).toMatchObject({ context: id, severity: 'warning' });
    expect(alert!.message).toMatch(/Alice laptop refuses to sync/);
  }, 30_000);

  test('a divergence: a member whose checkpoint claims other roots for the same heads raises a critical alert', async () => {
    const w = staged(await attackWorld());
    const toA = await becomeMember(w, 'writer');
    const view = await until('A has settled on its heads', async () => {
      const v = await w.a.contexts.open(w.id).view();
      return v.members.some((m) => m.root === w.x.rootId) ? v : undefined;
    });
    const forged = await signCheckpoint(w.x.device.signer, {
      context: w.contextId,
      heads: view.heads.map((h) => Buffer.from(h, 'hex')),
      governanceRoot: Buffer.from(view.governanceRoot, 'hex'),
      stateRoot: new Uint8Array(32).fill(0x5a),
      opCount: view.opCount,
      time: Date.now(),
    });
    await toA.send({ kind: 'checkpoint', checkpoint: encodeCheckpoint(forged) });
    const [alert] = await alertsOf(w.a, 'divergence', 'A has a divergence alert');
    expect(alert).toMatchObject({ kind: 'divergence', severity: 'critical', context: w.id, contextName: 'Target' });
    expect(alert!.message).toMatch(/same ops but a different state/);
  }, 30_000);

  test('a quota cut-off: a member flooding forged ops past the rejected-bytes quota is cut off with a quota alert', async () => {
    const w = staged(await attackWorld());
    const toA = await becomeMember(w, 'writer');
    const heads = (await w.a.contexts.open(w.id).view()).heads.map((h) => Buffer.from(h, 'hex'));
    const big = await junkOps(w.contextId, 8, heads, 40_000);
    for (let i = 0; i < Math.ceil(SYNC_QUOTAS.rejectedBytes / (8 * 40_000)) + 1 && !toA.link.closed; i++) await toA.send({ kind: 'ops', ops: big });
    const [alert] = await alertsOf(w.a, 'quota', 'A has a quota alert');
    expect(alert).toMatchObject({ kind: 'quota', severity: 'warning', context: w.id });
    expect(alert!.message).toMatch(/disconnected/);
  }, 30_000);

  test("over its storage allowance: a reader's refused writes past what A keeps of them raise a quota alert, not a generic refused op", async () => {
    const w = staged(await attackWorld());
    const toA = await becomeMember(w, 'reader');
    const heads = (await w.a.contexts.open(w.id).view()).heads.map((h) => Buffer.from(h, 'hex'));
    // More of the reader's own refused writes than A keeps per author: the rest is dropped as over-budget.
    const size = 40_000;
    const n = Math.ceil(REFUSED_LIMITS.perAuthorBytes / size) + 3;
    await toA.send({ kind: 'ops', ops: await junkOps(w.contextId, n, heads, size, w.x.device) });
    await until('A dropped some as over-budget', async () => (await w.a.contexts.open(w.id).view()).rejected.some((r) => r.reason === 'over-budget'));
    const [alert] = await alertsOf(w.a, 'quota', 'A has a quota alert');
    expect(alert).toMatchObject({ kind: 'quota', severity: 'warning', context: w.id });
    expect(alert!.message).toMatch(/over its storage allowance/);
    expect(alert!.detail).toMatch(/already keeps as many/);
    // The writes A kept are unauthorized attempts, with an alert of their own; nothing is a generic refused op.
    expect((await w.a.alerts.list()).some((a) => a.kind === 'unauthorized')).toBe(true);
    expect((await w.a.alerts.list()).filter((a) => a.kind === 'refused-op')).toEqual([]);
    expect(toA.link.closed).toBe(false);
  }, 30_000);
});
