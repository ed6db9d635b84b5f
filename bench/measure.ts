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
