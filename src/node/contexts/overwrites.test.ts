import { afterEach, describe, expect, test } from 'vitest';
import type { TabnodeNode } from '../createNode.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { twoMemberContext, until } from '../testing.ts';
import { memoryMeshHub } from './memoryMesh.ts';

const nodes: TabnodeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

describe('a write overwritten concurrently is told to its author', () => {
  test('two members set one key apart; the one whose value lost is told who won and with what', async () => {
    const { a, b, id } = await twoMemberContext(memoryMeshHub(realTimeScheduler));
    nodes.push(a, b);

    await Promise.all([a.contexts.open(id).setOnline(false), b.contexts.open(id).setOnline(false)]);
    await a.contexts.open(id).write({ method: 'set', args: { key: 'colour', value: 'teal' } });
    await b.contexts.open(id).write({ method: 'set', args: { key: 'colour', value: 'red' } });
    // An ordinary later edit on a key of mine is no conflict: A edits its own key on its own.
    await a.contexts.open(id).write({ method: 'set', args: { key: 'only-a', value: 1 } });
    await Promise.all([a.contexts.open(id).setOnline(true), b.contexts.open(id).setOnline(true)]);

    const merged = await until('both agree on colour', async () => {
      const [va, vb] = [await a.contexts.open(id).view(), await b.contexts.open(id).view()];
      const ca = va.kv.find(([k]) => k === 'colour')?.[1];
      return va.opCount === vb.opCount && va.stateRoot === vb.stateRoot && ca !== undefined && [va, vb, ca] as const;
    });
    const [va, vb, winner] = merged;
    const [loser, loserWrote, winnerLabel] = winner === 'red' ? [va, 'teal', 'Bob laptop'] : [vb, 'red', 'Alice laptop'];
    const other = loser === va ? vb : va;
    expect(loser.overwrites).toEqual([expect.objectContaining({ key: 'colour', mine: loserWrote, winner, by: winnerLabel })]);
    expect(other.overwrites).toBeUndefined();

    await (loser === va ? a : b).contexts.open(id).dismissOverwrites();
    expect((await (loser === va ? a : b).contexts.open(id).view()).overwrites).toBeUndefined();
  }, 30_000);
});
