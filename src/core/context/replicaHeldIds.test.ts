import { expect, test, vi } from 'vitest';
import * as heldIds from '../ops/heldIds.ts';
import { encodeOp } from '../ops/op.ts';
import { createReplica } from './replica.ts';
import { deltaBody, genesis, op, person, recordingSink, T0 } from './testkit.ts';

vi.mock('../ops/heldIds.ts', { spy: true });

test("an op's id moves into a shared slab when the op joins the history, not while it waits for its parents", async () => {
  const a = await person('A', 41);
  const g = await genesis(a);
  const first = await op(a.device, g.id, [g], deltaBody('first'), T0 + 100);
  const second = await op(a.device, g.id, [first], deltaBody('second'), T0 + 200);
  const replica = createReplica(g.id, recordingSink());
  const held = vi.mocked(heldIds.holdId);
  held.mockClear();

  await replica.receive([encodeOp(g)]);
  expect(held).toHaveBeenCalledTimes(1);
  // Its parent is missing: it waits (and may be dropped while it waits), so its id stays its own.
  await replica.receive([encodeOp(second)]);
  expect(held).toHaveBeenCalledTimes(1);
  await replica.receive([encodeOp(first)]);
  expect(held).toHaveBeenCalledTimes(3);
  expect(replica.dag.get(replica.heads()[0]!)!.op.id.buffer.byteLength).toBe(heldIds.HELD_ID_SLAB_BYTES);
});
