import { expect, test } from 'vitest';
import { memoryStore } from '../../../core/store/index.ts';
import { closedGate, ContextClosedError } from './closedGate.ts';

const op = (key: string) => ({ key, bytes: new Uint8Array([1, 2, 3]) });

test('a unit begun before the close writes to its end, and drained waits for it; writes after it are refused', async () => {
  const store = memoryStore();
  let closed = false;
  const gate = closedGate(store, () => closed);
  let resume = () => {};
  const paused = new Promise<void>((r) => (resume = r));
  const unit = gate.hold('storing ops', async () => {
    await paused;
    await gate.store.putOps('c1', [op('a')]);
  });
  closed = true;
  let drained = false;
  const draining = gate.drained().then(() => (drained = true));
  await new Promise((r) => setTimeout(r, 5));
  expect(drained).toBe(false);
  resume();
  await unit;
  await draining;
  expect(await store.ops('c1')).toHaveLength(1);
  await expect(gate.store.putOps('c1', [op('b')])).rejects.toThrow(ContextClosedError);
  await expect(gate.hold('storing ops', async () => undefined)).rejects.toThrow(ContextClosedError);
});
