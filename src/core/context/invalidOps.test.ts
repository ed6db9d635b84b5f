import { expect, test } from 'vitest';
import { idKey, type Op } from '../ops/op.ts';
import { createReplica } from './replica.ts';
import { deltaBody, genesis, invite, joinBody, op, person, recordingSink, shuffle, T0 } from './testkit.ts';

/** What invalidOps() keeps up to date, computed the slow way: every DAG op with an invalid verdict. */
function scanned(replica: ReturnType<typeof createReplica>): string[] {
  return [...replica.dag.all()].filter((c) => replica.verdict(c.key)?.valid === false).map((c) => c.key);
}

test('the invalid ops a replica keeps per receive are those a full scan finds, in DAG order, also when a late removal flips earlier ops', async () => {
  const [a, b, c] = await Promise.all([person('A', 41), person('B', 42), person('C', 43)]);
  const g = await genesis(a);
  const joinB = await op(b.device, g.id, [g], joinBody(b.device, await invite(a.device, g.id, { role: 'writer', nonce: 1 })), T0 + 100);
  const joinC = await op(c.device, g.id, [joinB], joinBody(c.device, await invite(a.device, g.id, { role: 'reader', nonce: 2 })), T0 + 200);
  // B writes, concurrently with its removal; C (a reader) tries to write.
  const ops: Op[] = [g, joinB, joinC];
  let previous = joinC;
  for (let i = 0; i < 4; i++) ops.push((previous = await op(b.device, g.id, [previous], deltaBody(`b${i}`), T0 + 300 + i)));
  ops.push(await op(c.device, g.id, [joinC], deltaBody('c refused'), T0 + 400));
  const removal = await op(a.device, g.id, [joinC], { kind: 'remove', member: b.rootId }, T0 + 500);
  for (const seed of [1, 2, 3]) {
    const replica = createReplica(g.id, recordingSink());
    await replica.receive([g, joinB, joinC]);
    const rest = shuffle(ops.slice(3), seed);
    for (const o of rest) {
      await replica.receive([o]);
      expect(replica.invalidOps().map((c) => c.key)).toEqual(scanned(replica));
    }
    await replica.receive([removal]);
    const invalid = replica.invalidOps().map((c) => c.key);
    expect(invalid).toEqual(scanned(replica));
    // The reader's write and B's four writes, concurrent with B's removal.
    expect(invalid).toHaveLength(5);
    expect(invalid).not.toContain(idKey(removal.id));
  }
});
