import { describe, expect, it } from 'vitest';
import { singleFlight } from './singleFlight.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('singleFlight', () => {
  it('never runs the task twice at once; calls during a run share one more run', async () => {
    const gates: ReturnType<typeof deferred>[] = [];
    let active = 0;
    let most = 0;
    let runs = 0;
    const run = singleFlight(async () => {
      runs++;
      active++;
      most = Math.max(most, active);
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
      active--;
    });
    const first = run();
    const second = run();
    const third = run();
    expect(second).toBe(third);
    gates[0]!.resolve();
    await first;
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(runs).toBe(2);
    gates[1]!.resolve();
    await Promise.all([second, third]);
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('a failed run rejects its own callers only; the queued run still happens', async () => {
    let n = 0;
    const gate = deferred();
    const run = singleFlight(async () => {
      n++;
      if (n === 1) {
        await gate.promise;
        throw new Error('first run failed');
      }
    });
    const first = run();
    const second = run();
    gate.resolve();
    await expect(first).rejects.toThrow('first run failed');
    await expect(second).resolves.toBeUndefined();
    expect(n).toBe(2);
  });
});
