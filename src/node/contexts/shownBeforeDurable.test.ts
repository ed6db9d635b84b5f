import { afterEach, expect, test } from 'vitest';
import { memoryStore, type Store } from '../../core/store/index.ts';
import type { TabnodeNode } from '../createNode.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { testNode, until } from '../testing.ts';
import { memoryMeshHub } from './memoryMesh.ts';

const nodes: TabnodeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

/** A memory store whose op writes can be held open until released. */
function heldOpsStore() {
  const base = memoryStore();
  let gate: Promise<void> | null = null;
  let open = () => {};
  const store: Store = {
    ...base,
    // The write path of ops: each with its seal, in one step.
    async putSealedOps(...args: Parameters<Store['putSealedOps']>) {
      if (gate) await gate;
      return base.putSealedOps(...args);
    },
  };
  return {
    store,
    hold: () => void (gate = new Promise((r) => (open = r))),
    release: () => {
      gate = null;
      open();
    },
  };
}

test("the receiver's view shows a peer's write while its store's write is still held open", async () => {
  const hub = memoryMeshHub(realTimeScheduler);
  const held = heldOpsStore();
  const a = await testNode(hub, 'A');
  const b = await testNode(hub, 'B', held.store);
  nodes.push(a, b);
  const id = await a.contexts.create('Team');
  await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
  await until('B is a member', async () => !(await b.contexts.open(id).view()).joining && (await a.contexts.open(id).view()).members.length === 2);

  held.hold();
  let changes = 0;
  const stop = b.onChange(() => changes++);
  const write = await a.contexts.open(id).write({ method: 'set', args: { key: 'k', value: 'shown early' } });
  await until("B's view shows A's write", async () => (await b.contexts.open(id).view()).kv.some(([k]) => k === 'k'));
  expect(changes).toBeGreaterThan(0);
  const storedKeys = async () => (await held.store.ops(id)).length;
  const before = await storedKeys();
  expect((await b.contexts.open(id).view()).heads).toContain(write.key);

  held.release();
  await until("B's store has A's write", async () => (await storedKeys()) > before);
  stop();
}, 30_000);

test('a node closed while its store writes are held stores every op it showed, those queued behind the held write too', async () => {
  const hub = memoryMeshHub(realTimeScheduler);
  const held = heldOpsStore();
  const a = await testNode(hub, 'A');
  const b = await testNode(hub, 'B', held.store);
  nodes.push(a);
  const id = await a.contexts.create('Team');
  await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
  await until('B is a member', async () => !(await b.contexts.open(id).view()).joining && (await a.contexts.open(id).view()).members.length === 2);
  await until('B stored what it showed', async () => (await held.store.ops(id)).length === (await b.contexts.open(id).view()).opCount);

  held.hold();
  const shows = async (key: string) => (await b.contexts.open(id).view()).kv.some(([k]) => k === key);
  // The first write's store is held open; the second's waits behind it.
  await a.contexts.open(id).write({ method: 'set', args: { key: 'first', value: 1 } });
  await until('B shows the first write', () => shows('first'));
  await a.contexts.open(id).write({ method: 'set', args: { key: 'second', value: 2 } });
  await until('B shows the second write', () => shows('second'));
  const shown = (await b.contexts.open(id).view()).opCount;

  const closing = b.close();
  held.release();
  await closing;
  expect((await held.store.ops(id)).length).toBe(shown);
}, 30_000);
