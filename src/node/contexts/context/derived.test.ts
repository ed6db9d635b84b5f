import { expect, test } from 'vitest';
import { createReplica } from '../../../core/context/replica.ts';
import { deltaBody, genesis, invite, joinBody, op, person, recordingSink, T0 } from '../../../core/context/testkit.ts';
import { createContextState, governanceRoot } from '../../../core/state/index.ts';
import { encodeOp } from '../../../core/ops/op.ts';
import { createDerived } from './derived.ts';

test('the governance root follows governance changes, and a delta leaves it as it was, uncomputed', async () => {
  const [a, b] = await Promise.all([person('A', 31), person('B', 32)]);
  const g = await genesis(a);
  const replica = createReplica(g.id, recordingSink());
  const derived = createDerived(replica, createContextState());
  const take = async (...ops: Awaited<ReturnType<typeof op>>[]) => expect((await replica.receive(ops.map(encodeOp))).rejected).toEqual([]);

  await take(g);
  const first = derived.fromHistory().governanceRoot;
  expect(first).toEqual(governanceRoot(replica.governance()));

  const delta = await op(a.device, g.id, [g], deltaBody('a note'), T0 + 100);
  await take(delta);
  expect(derived.fromHistory().governanceRoot).toBe(first);

  const join = await op(b.device, g.id, [delta], joinBody(b.device, await invite(a.device, g.id, { nonce: 1 })), T0 + 200);
  await take(join);
  const second = derived.fromHistory().governanceRoot;
  expect(second).not.toEqual(first);
  expect(second).toEqual(governanceRoot(replica.governance()));
});
