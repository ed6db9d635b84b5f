import { afterEach, describe, expect, test } from 'vitest';
import type { MetricsJournal } from '../../core/metrics/index.ts';
import { memoryStore, type MetricsRecord, type Store } from '../../core/store/index.ts';
import { memoryMeshHub } from '../contexts/memoryMesh.ts';
import type { TabnodeNode } from '../createNode.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { bareTestNode, until } from '../testing.ts';
import type { DashboardView } from './dashboardView.ts';

/** Two nodes in one process: the dashboard's numbers from real sync, and its series across a restart. */
const nodes: TabnodeNode[] = [];
const FAST = { sampleMs: 100, saveEveryMs: 300 };

async function node(hub: ReturnType<typeof memoryMeshHub>, name: string, store: Store = memoryStore(), signIn = true, journal?: MetricsJournal, timings = FAST): Promise<TabnodeNode> {
  const n = await bareTestNode(hub, name, { store, metricsTimings: timings, ...(journal ? { metricsJournal: journal } : {}) });
  if (signIn) await n.identity.useLocalRoot(n.identity.newPhrase(), name);
  nodes.push(n);
  return n;
}

const health = (d: DashboardView, id: string) => d.contexts.find((c) => c.id === id)!;

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close().catch(() => undefined)));
});

describe('metrics service', () => {
  test('samples every context: peers, ops in and out, refusals by reason, latency, checkpoint agreement', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const a = await node(hub, 'A');
    const b = await node(hub, 'B');
    const team = await a.contexts.create('Team');
    const ops = await a.contexts.create('Ops');
    await b.contexts.join(await a.contexts.open(team).invite({ role: 'reader' }));
    await until('B settled', async () => !(await b.contexts.open(team).view()).joining);

    await a.contexts.open(team).write({ method: 'set', args: { key: 'k', value: 1 } });
    await a.contexts.open(ops).write({ method: 'set', args: { key: 'solo', value: 1 } });
    expect(await b.contexts.open(team).write({ method: 'set', args: { key: 'no', value: 1 } })).toMatchObject({ valid: false });

    const d = await until('both contexts sampled with traffic', async () => {
      const v = await a.metrics.dashboard();
      const t = health(v, team);
      return v.contexts.length === 2 && t.series.some((p) => p.opsOut > 0) && t.series.some((p) => p.refused > 0) && t.series.at(-1)!.peers === 1 && v;
    });
    expect(d.contexts.map((c) => c.name)).toEqual(['Ops', 'Team']);
    const t = health(d, team);
    expect(t.links).toEqual([expect.objectContaining({ label: 'B', state: 'verified' })]);
    expect(t.invalid).toEqual([{ reason: 'insufficient-role', count: 1 }]);
    expect(t.series.some((p) => p.published > 0)).toBe(true);
    expect(health(d, ops).series.at(-1)!.peers).toBe(0);
    // B received A's ops live: their propagation latency is measured.
    await until('B saw ops arrive', async () => (await b.metrics.dashboard()).contexts[0]!.series.some((p) => p.opsIn > 0 && p.latencyMs !== null));
    const agreed = await until('checkpoint agreement', async () => {
      const m = (await a.metrics.dashboard()).agreement;
      return m.rows.length === 1 && m.rows[0]!.cells.includes('agree') && m;
    });
    expect(agreed.contexts.map((c) => c.name)).toEqual(['Ops', 'Team']);
    expect(agreed.rows[0]).toMatchObject({ label: 'B', cells: ['absent', 'agree'] });
  });

  test('sync lag: not known while offline; back online over slow links, the ops written meanwhile are shown behind, then in step', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const a = await node(hub, 'A');
    const b = await node(hub, 'B');
    const id = await a.contexts.create('Team');
    await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
    await until('B settled', async () => !(await b.contexts.open(id).view()).joining);
    await until('A in step with B', async () => health(await a.metrics.dashboard(), id).lag === 0);

    await a.contexts.open(id).setOnline(false);
    expect(health(await a.metrics.dashboard(), id)).toMatchObject({ online: false, lag: null });
    for (let i = 0; i < 20; i++) await b.contexts.open(id).write({ method: 'set', args: { key: `away-${i}`, value: i } });
    const ahead = (await b.contexts.open(id).view()).opCount;
    // A cannot know: it says so rather than "in step".
    expect(health(await a.metrics.dashboard(), id).lag).toBeNull();

    // Back online over links with a second's delay each way: B's heads (and its count) come
    // a round trip before its ops.
    const known = hub.pairs.length;
    await a.contexts.open(id).setOnline(true);
    for (const pair of hub.pairs.slice(known)) pair.setFaults({ delayMs: 1000 });
    const behind = await until('A shows itself behind', async () => {
      const h = health(await a.metrics.dashboard(), id);
      return h.lag !== null && h.lag > 0 ? h : undefined;
    }, 15_000, 10);
    expect(behind).toMatchObject({ lag: 20, remoteOpCount: ahead, opCount: ahead - 20 });
    const caught = await until('A in step again', async () => {
      const h = health(await a.metrics.dashboard(), id);
      return h.lag === 0 ? h : undefined;
    });
    expect(caught.opCount).toBe(ahead);
  }, 30_000);

  test('series are saved and come back after a restart', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const store = memoryStore();
    const a = await node(hub, 'A', store);
    const id = await a.contexts.create('Kept');
    const before = await until('a few samples', async () => {
      const s = health(await a.metrics.dashboard(), id).series;
      return s.length >= 3 && s;
    });
    await a.close();
    nodes.splice(nodes.indexOf(a), 1);
    const stored = (await store.metrics()).find((r) => r.context === id)!;
    expect(stored.points.length).toBeGreaterThanOrEqual(before.length);

    const again = await node(hub, 'A again', store, false);
    const after = await until('the context open again', async () => {
      const d = await again.metrics.dashboard();
      return d.contexts.length === 1 && d;
    });
    expect(health(after, id).series.slice(0, before.length)).toEqual(before);
  });

  test('as the page goes, the points not saved yet are journaled; the next page takes them back', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const store = memoryStore();
    let journaled: MetricsRecord[] = [];
    const journal: MetricsJournal = { write: (r) => void (journaled = r), take: () => journaled.splice(0) };
    // Saved only when flushed here, so what the Store holds is known.
    const a = await node(hub, 'A', store, true, journal, { sampleMs: 50, saveEveryMs: 3_600_000 });
    const id = await a.contexts.create('Journaled');
    await until('two samples', async () => health(await a.metrics.dashboard(), id).series.length >= 2);
    await a.metrics.flush();
    const saved = (await store.metrics())[0]!.points;
    // Nothing was saved before: everything was journaled, and then saved.
    expect(saved.slice(0, journaled[0]!.points.length)).toEqual(journaled[0]!.points);
    await until('samples after the save', async () => health(await a.metrics.dashboard(), id).series.length > saved.length + 1);
    const flushed = a.metrics.flush();
    // Journaled at once, before the Store's save: only what the Store lacked.
    expect(journaled).toHaveLength(1);
    expect(journaled[0]!.points[0]!.t).toBeGreaterThan(saved.at(-1)!.t);
    const series = health(await a.metrics.dashboard(), id).series;
    expect([...saved, ...journaled[0]!.points]).toEqual(series.slice(0, saved.length + journaled[0]!.points.length));
    await flushed;
    await a.close();
    nodes.splice(nodes.indexOf(a), 1);
    const last = (await store.metrics())[0]!.points;

    // A page whose Store save never landed: the journal restores the tail.
    const tail = { context: id, savedAt: 0, points: [{ ...last.at(-1)!, t: last.at(-1)!.t + 1 }] };
    journaled = [tail];
    const again = await node(hub, 'A again', store, false, journal);
    const restored = await until('the context open again', async () => {
      const d = await again.metrics.dashboard();
      return d.contexts.length === 1 && health(d, id).series;
    });
    expect(restored.slice(0, last.length + 1)).toEqual([...last, tail.points[0]]);
    expect(journaled).toEqual([]);
  });

  test('a save that fails is tried again with the next one', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const inner = memoryStore();
    let failures = 2;
    const store: Store = {
      ...inner,
      putMetrics: (r) => (failures-- > 0 ? Promise.reject(new Error('quota exceeded')) : inner.putMetrics(r)),
    };
    const a = await node(hub, 'A', store);
    const id = await a.contexts.create('Retried');
    const saved = await until('saved despite the failures', async () => (await inner.metrics()).find((r) => r.context === id));
    expect(failures).toBeLessThan(0);
    expect(saved.points.length).toBeGreaterThan(0);
  });
});
