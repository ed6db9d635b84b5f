import { expect, test } from 'vitest';
import { deltaBody, genesis, op, person, T0 } from '../context/testkit.ts';
import type { CheckedOp } from '../governance/checkedOp.ts';
import { simScheduler } from '../mesh/simScheduler.ts';
import { idKey } from '../ops/op.ts';
import { SyncStoppedError } from './contextSync.ts';
import { syncNode } from './testkit.ts';

// Review N6: after stop() (a context closed or forgotten) nothing more is verified or stored.
test('publish after stop() is refused with SyncStoppedError, and nothing reaches the store', async () => {
  const a = await person('A', 951);
  const g = await genesis(a);
  const stored: CheckedOp[] = [];
  const A = syncNode(a, g.id, simScheduler(T0), { persist: async (ops) => void stored.push(...ops) });
  await A.sync.publish([g]);
  expect(stored.map((c) => c.key)).toEqual([idKey(g.id)]);
  const write = await op(a.device, g.id, [g], deltaBody('late'), T0 + 10);
  A.sync.stop();
  await expect(A.sync.publish([write])).rejects.toThrow(SyncStoppedError);
  await expect(A.sync.publish([write])).rejects.toThrow(/stopped/);
  expect(stored).toHaveLength(1);
  expect(A.replica.dag.has(idKey(write.id))).toBe(false);
});
