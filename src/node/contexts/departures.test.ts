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

  test('nothing is written for a forgotten context, not even by a write under way when it was forgotten (review N6)', async () => {
    // B's store holds each write of ops open for a while once asked to.
    const inner = memoryStore();
    const slow = { on: false, started: 0 };
    const storeB = new Proxy(inner, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        // The write path of ops: each with its seal, in one step.
        if (prop === 'putSealedOps' && typeof value === 'function') {
          return async (...args: unknown[]) => {
            if (slow.on) {
              slow.started++;
              await new Promise((r) => setTimeout(r, 300));
            }
            return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const { a, b, id } = await twoMemberContext(memoryMeshHub(realTimeScheduler), storeB);
    nodes.push(a, b);
    // The membership directory would fetch the context back (B's root is still a member): not what this test is about.
    await b.directory.stop();
    slow.on = true;
    const write = b.contexts.open(id).write({ method: 'set', args: { key: 'late', value: 1 } }).catch((e: unknown) => e);
    await until('B is storing its write', async () => slow.started > 0);
    await b.contexts.forget(id);
    await a.contexts.open(id).write({ method: 'set', args: { key: 'after-forget', value: 2 } });
    await write;
    await new Promise((r) => setTimeout(r, 800));
    expect(await storeB.contexts()).toEqual([]);
    expect(await storeB.ops(id)).toEqual([]);
    expect(await storeB.epochKeys(id)).toEqual([]);
    expect(await storeB.snapshot(id)).toBeUndefined();
  }, 30_000);
});
