import { afterEach, describe, expect, test } from 'vitest';
import { memoryStore } from '../../core/store/index.ts';
import type { TabnodeNode } from '../createNode.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { twoMemberContext, until } from '../testing.ts';
import { memoryMeshHub } from './memoryMesh.ts';

/** Leaving, being removed and forgetting a context, as the node reports them to the UI. */
const nodes: TabnodeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

async function twoMembers() {
  const storeB = memoryStore();
  const { a, b, id } = await twoMemberContext(memoryMeshHub(realTimeScheduler), storeB);
  nodes.push(a, b);
  return { a, b, id, storeB, bRoot: (await b.identity.status()).root!.id };
}

describe('departures', () => {
  test('a removed member is told who removed it, by device label', async () => {
    const { a, b, id, bRoot } = await twoMembers();
    expect((await b.contexts.open(id).view()).departure).toBeUndefined();
    await a.contexts.open(id).remove(bRoot);
    const departure = await until('B learns it was removed', async () => (await b.contexts.open(id).view()).departure);
    expect(departure).toMatchObject({ how: 'removed', by: 'Alice laptop', byRoot: (await a.identity.status()).root!.id });
  }, 30_000);

  test('a member who leaves is gone for the others and told it left', async () => {
    const { a, b, id, bRoot } = await twoMembers();
    expect(await b.contexts.open(id).leave()).toMatchObject({ valid: true });
    expect((await b.contexts.open(id).view()).departure).toMatchObject({ how: 'left' });
    await until('A sees B gone', async () => !(await a.contexts.open(id).view()).members.some((m) => m.root === bRoot));
  }, 30_000);

  test('forgetting a context deletes it from this device only', async () => {
    const { a, b, id, storeB } = await twoMembers();
    await b.contexts.open(id).write({ method: 'set', args: { key: 'k', value: 1 } });
    await b.contexts.forget(id);
    expect(await b.contexts.list()).toEqual([]);
    expect(await storeB.ops(id)).toEqual([]);
    expect(await storeB.snapshot(id)).toBeUndefined();
    expect((await a.contexts.list()).map((c) => c.id)).toEqual([id]);
    await expect(b.contexts.open(id).view()).rejects.toThrow(/no context/);
  }, 30_000);
});
