/** One benchmark figure: how many operations per second, and how it was measured. */
export interface Figure {
  group: string;
  name: string;
  opsPerSec: number;
}

/**
 * Run `op` repeatedly for about `ms` milliseconds (after a short warm-up) and return the
 * rate. `op` performs `batch` operations per call so async overhead is amortised where the
 * caller wants throughput rather than latency.
 */
export async function rate(op: () => Promise<unknown>, { ms = 600, batch = 1 } = {}): Promise<number> {
  const warmUntil = performance.now() + Math.min(150, ms / 4);
  while (performance.now() < warmUntil) await op();
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    await op();
    count += batch;
    elapsed = performance.now() - start;
  }
  return (count * 1000) / elapsed;
}

/**
 * For work that cannot be repeated in place (a replica takes each op once): run `once`, which
 * does `items` operations from scratch, a warm-up time and then again until `ms` have passed
 * (at least `runs` times), and return the rate of the fastest run. The fastest run is the
 * one least disturbed by other load on the machine.
 */
export async function bestRate(once: () => Promise<unknown> | unknown, items: number, { ms = 1000, runs = 2 } = {}): Promise<number> {
  await once();
  let best = Infinity;
  const until = performance.now() + ms;
  for (let i = 0; i < runs || performance.now() < until; i++) {
    const start = performance.now();
    await once();
    best = Math.min(best, performance.now() - start);
  }
  return (items * 1000) / best;
}

/** The middle value (the upper one of an even count). */
export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
