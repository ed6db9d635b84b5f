// Opening a long history (issue 12): its sealed snapshot is readable before every stored op
// is loaded, actions wait for the load, and the opening view says how far it got.
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../src/core/store/index.ts';
import type { TabnodeNode } from '../src/node/createNode.ts';
import { OPEN_LIMITS } from '../src/node/contexts/context/storedHistory.ts';
import { memoryMeshHub } from '../src/node/contexts/memoryMesh.ts';
import { realTimeScheduler } from '../src/node/scheduler.ts';
import { bareTestNode, until } from '../src/node/testing.ts';
import { putFixture } from './fixtureStore.ts';
import { buildGrowthFixture } from './growthFixture.ts';
import { sealAsVerified } from './sealedStore.ts';

const nodes: TabnodeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

/** A store holding a sealed context of `total` ops (snapshot, seal, ops), as a node leaves it. */
async function storedContext(total: number) {
  const f = await buildGrowthFixture(total);
  const all = [...f.governance, ...f.deltas];
  const store = memoryStore();
  const id = await putFixture(store, all);
  await sealAsVerified(store, id, all);
  return { store, id, total: all.length, deltas: f.deltas.length };
}

async function open(store: ReturnType<typeof memoryStore>) {
  const node = await bareTestNode(memoryMeshHub(realTimeScheduler), 'reopened', { store });
  nodes.push(node);
  return node;
}

describe('opening a long history', () => {
  it('shows the snapshot’s state at once, loads the ops in slices, and a write made meanwhile lands after the load', async () => {
    const total = OPEN_LIMITS.previewFromDeltas + 3 * OPEN_LIMITS.sliceOps;
    const { store, id } = await storedContext(total);

    // What a full open shows, for comparison.
    const first = await open(store);
    const full = await until('opened in full', async () => {
      const v = await first.contexts.open(id).view();
      return v.opening ? undefined : v;
    }, 60_000);
    await nodes.pop()!.close();
    expect(full.opCount).toBe(total);

    const node = await open(store);
    const handle = node.contexts.open(id);
    const opening = await handle.view();
    // The first view comes before the ops: the state is the sealed snapshot's, all of it.
    expect(opening.opening).toBeDefined();
    expect(opening.opCount).toBeLessThan(total);
    expect(opening.kv).toEqual(full.kv);
    // The directory does not wait for it: left out of the holdings until loaded.
    expect((await node.contexts.holdings()).map((h) => h.id)).not.toContain(id);
    // Nor the dashboard (its opening view) nor the alerts (none yet).
    expect((await node.contexts.openViews()).find((v) => v.id === id)?.opening).toBeDefined();
    expect((await node.contexts.openAlertsViews()).map((v) => v.id)).not.toContain(id);

    // A write now waits for the load, then lands on top of the whole history.
    const write = handle.write({ method: 'set', args: { key: 'during the open', value: 1 } });
    const seen: number[] = [];
    const after = await until('opened', async () => {
      const v = await handle.view();
      if (v.opening) seen.push(v.opening.have);
      return v.opening ? undefined : v;
    }, 60_000, 1);
    expect((await write).valid).toBe(true);
    const last = await handle.view();
    expect(last.opCount).toBe(total + 1);
    expect(last.kv).toContainEqual(['during the open', 1]);
    expect(after.opening).toBeUndefined();
    expect((await node.contexts.holdings()).map((h) => h.id)).toContain(id);
    // Progress only grows.
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  }, 120_000);

  it('a short history opens whole before its first view, as before', async () => {
    const { store, id, total } = await storedContext(300);
    const node = await open(store);
    const v = await node.contexts.open(id).view();
    expect(v.opening).toBeUndefined();
    expect(v.opCount).toBe(total);
  }, 60_000);
});
