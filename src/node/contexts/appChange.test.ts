import { afterEach, describe, expect, test } from 'vitest';
import type { TabnodeNode } from '../createNode.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { twoMemberContext, until } from '../testing.ts';
import { memoryMeshHub } from './memoryMesh.ts';

const nodes: TabnodeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

const OTHER_APP = 'ab'.repeat(32);

describe('changing a context’s app through the node', () => {
  test('an admin’s change reaches members; a writer’s is refused; a malformed id is an error', async () => {
    const { a, b, id } = await twoMemberContext(memoryMeshHub(realTimeScheduler));
    nodes.push(a, b);

    expect(await b.contexts.open(id).setApp(OTHER_APP)).toMatchObject({ valid: false, reason: 'insufficient-role' });
    await expect(a.contexts.open(id).setApp('not-hex')).rejects.toThrow(/not an app id/);
    expect(await a.contexts.open(id).setApp(OTHER_APP)).toMatchObject({ valid: true });
    expect((await a.contexts.open(id).view()).appId).toBe(OTHER_APP);
    await until('B runs the new app id', async () => (await b.contexts.open(id).view()).appId === OTHER_APP);
  }, 30_000);
});
