import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { serialQueue } from './serialQueue.ts';

describe('serialQueue', () => {
  it('runs tasks one at a time, in the order given, whatever each takes or however it ends', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ ticks: fc.nat(3), fails: fc.boolean() }), { maxLength: 12 }), async (tasks) => {
        const inTurn = serialQueue();
        const started: number[] = [];
        let active = 0;
        let most = 0;
        const outcomes = await Promise.allSettled(
          tasks.map((t, i) =>
            inTurn(async () => {
              started.push(i);
              most = Math.max(most, ++active);
              for (let n = 0; n < t.ticks; n++) await new Promise((r) => setTimeout(r, 0));
              active--;
              if (t.fails) throw new Error(`task ${i}`);
              return i;
            }),
          ),
        );
        expect(started).toEqual(tasks.map((_, i) => i));
        expect(most).toBeLessThanOrEqual(1);
        // Each caller gets its own task's outcome; a failure does not stop the next task.
        outcomes.forEach((o, i) => expect(o).toEqual(tasks[i]!.fails ? { status: 'rejected', reason: new Error(`task ${i}`) } : { status: 'fulfilled', value: i }));
      }),
      { numRuns: 60 },
    );
  });

  it('a task that throws synchronously fails alone', async () => {
    const inTurn = serialQueue();
    const first = inTurn(() => {
      throw new Error('at once');
    });
    await expect(first).rejects.toThrow('at once');
    await expect(inTurn(async () => 'next')).resolves.toBe('next');
  });
});
