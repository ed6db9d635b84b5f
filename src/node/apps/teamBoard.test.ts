import { afterEach, beforeAll, expect, test } from 'vitest';
import { memoryStore } from '../../core/store/index.ts';
import { toHex, sha256 } from '../../core/crypto/index.ts';
import { ensureAppsBuilt, readApp } from '../../runtime/testkit.ts';
import { memoryMeshHub } from '../contexts/memoryMesh.ts';
import type { TabnodeNode } from '../createNode.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { testNode, until } from '../testing.ts';

/** team-board between two nodes in one process (inline runtime): the app path end to end. */
const nodes: TabnodeNode[] = [];

beforeAll(async () => {
  await ensureAppsBuilt();
}, 120_000);

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

async function makeNode(hub: ReturnType<typeof memoryMeshHub>, name: string, store = memoryStore()) {
  const node = await testNode(hub, name, store);
  nodes.push(node);
  return { node, store };
}

test('a task made on A appears on B with A as creator; notes stay private; hashed events show only the hash; B fetches the app', async () => {
  const hub = memoryMeshHub(realTimeScheduler);
  const { node: a } = await makeNode(hub, 'A');
  const { node: b, store: bStore } = await makeNode(hub, 'B');
  const appId = await a.apps.install(readApp('team-board'));
  expect(appId).toBe(toHex(sha256(readApp('team-board'))));
  const id = await a.contexts.create('Sprint', { app: appId, verifiable: true });
  await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
  await until('B joined', async () => !(await b.contexts.open(id).view()).joining);

  const aRoot = (await a.identity.status()).root!.id;
  const created = await a.contexts.open(id).call('create_task', { title: 'Launch plan secret codename' });
  expect(created.op?.valid).toBe(true);
  const task = created.output as { id: string; creator: string };
  expect(task.creator).toBe(aRoot);

  const seen = await until('B sees the task', async () => {
    const list = (await b.contexts.open(id).call('list_tasks', {})).output as { id: string; creator: string }[];
    return list.find((t) => t.id === task.id);
  });
  expect(seen.creator).toBe(aRoot);
  expect(await bStore.app(appId)).toBeDefined(); // fetched from A, by hash

  // The hashed event: B sees only the hash of the title payload.
  const events = await until('B sees the events', async () => {
    const list = await b.contexts.open(id).events();
    return list.some((e) => e.name === 'task_title') && list;
  });
  const titleEvent = events.find((e) => e.name === 'task_title')!;
  expect(titleEvent.hashed).toBe(true);
  expect(titleEvent.payload).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(JSON.stringify(events)).not.toContain('codename');

  // A private note: on A only, never in an op.
  const noted = await a.contexts.open(id).call('set_note', { id: task.id, text: 'ask Carol about the budget' });
  expect(noted.op).toBeUndefined();
  expect((await a.contexts.open(id).call('get_note', { id: task.id })).output).toBe('ask Carol about the budget');
  expect((await b.contexts.open(id).call('get_note', { id: task.id })).output).toBeNull();
  const bOps = await bStore.ops(id);
  expect(bOps.some((bytes) => new TextDecoder('latin1').decode(bytes).includes('budget'))).toBe(false);

  // Verifiable execution: B re-runs A's create_task and confirms it.
  const confirmed = await until('B confirms A’s call', async () => (await b.contexts.open(id).verifications()).find((v) => v.opKey === created.op!.key));
  expect(confirmed.result).toBe('confirmed');
}, 60_000);

test('two members’ concurrent first tasks both survive on both peers (local ids share their first 12 characters)', async () => {
  const hub = memoryMeshHub(realTimeScheduler);
  const { node: a } = await makeNode(hub, 'A');
  const { node: b } = await makeNode(hub, 'B');
  const appId = await a.apps.install(readApp('team-board'));
  const id = await a.contexts.create('Sprint', { app: appId });
  await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
  await until('B joined', async () => !(await b.contexts.open(id).view()).joining);
  const [aRoot, bRoot] = [(await a.identity.status()).root!.id, (await b.identity.status()).root!.id];
  expect(aRoot.slice(0, 12)).toBe(bRoot.slice(0, 12));

  const [fromA, fromB] = await Promise.all([
    a.contexts.open(id).call('create_task', { title: 'A’s first' }),
    b.contexts.open(id).call('create_task', { title: 'B’s first' }),
  ]);
  expect([fromA.op?.valid, fromB.op?.valid]).toEqual([true, true]);

  const titles = async (node: TabnodeNode) => ((await node.contexts.open(id).call('list_tasks', {})).output as { title: string; creator: string }[]).map((t) => `${t.title} by ${t.creator}`).sort();
  const expected = [`A’s first by ${aRoot}`, `B’s first by ${bRoot}`].sort();
  await until('A has both tasks', async () => (await titles(a)).length === 2);
  await until('B has both tasks', async () => (await titles(b)).length === 2);
  expect(await titles(a)).toEqual(expected);
  expect(await titles(b)).toEqual(expected);
}, 60_000);
