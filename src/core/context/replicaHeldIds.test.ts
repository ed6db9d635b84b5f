import { expect, test, vi } from 'vitest';
import * as heldIds from '../ops/heldIds.ts';
import { encodeOp, idKey } from '../ops/op.ts';
import { createReplica } from './replica.ts';
import { deltaBody, genesis, op, person, recordingSink, T0 } from './testkit.ts';

vi.mock('../ops/heldIds.ts', { spy: true });

test("an op's id goes into a shared slab when the op joins the history at once; one that waits for parents keeps its own", async () => {
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
  expect(held).toHaveBeenCalledTimes(2);
  expect(replica.dag.get(idKey(first.id))!.op.id.buffer.byteLength).toBe(heldIds.HELD_ID_SLAB_BYTES);
  expect(replica.dag.get(idKey(second.id))!.op.id.buffer.byteLength).not.toBe(heldIds.HELD_ID_SLAB_BYTES);
  expect(replica.heads()).toEqual([idKey(second.id)]);
});
