import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LinkClosedError } from './Link.ts';
import { linkContract } from './linkContract.ts';
import type { MemoryLinkFaults } from './memoryLink.ts';
import { memoryLinkPair } from './memoryLink.ts';
import type { Scheduler } from './Scheduler.ts';
import { seededRandom } from './seededRandom.ts';
import { simScheduler } from './simScheduler.ts';

// Real time for the contract: zero delays become microtasks, like a fast transport.
const realTime: Scheduler = {
  now: () => Date.now(),
  schedule(delayMs, fn) {
    if (delayMs <= 0) {
      queueMicrotask(fn);
      return () => undefined;
    }
    const timer = setTimeout(fn, delayMs);
    return () => clearTimeout(timer);
  },
};

linkContract('memory', async () => {
  const { a, b } = memoryLinkPair({ scheduler: realTime });
  return [a, b];
});

linkContract('memory with delays and a small buffer', async () => {
  const { a, b } = memoryLinkPair({ scheduler: realTime, faults: { delayMs: [0, 3] }, highWaterBytes: 64 * 1024 });
  return [a, b];
});

/** Sends `count` one-byte-index messages a→b on a virtual clock; returns what b saw, with times. */
function run(faults: MemoryLinkFaults, seed: number, count = 1000): Array<[time: number, index: number]> {
  const scheduler = simScheduler();
  const { a, b } = memoryLinkPair({ scheduler, random: seededRandom(seed), faults });
  const seen: Array<[number, number]> = [];
  b.onMessage((m) => seen.push([scheduler.now(), new DataView(m.buffer, m.byteOffset).getUint32(0)]));
  for (let i = 0; i < count; i++) {
    const m = new Uint8Array(4);
    new DataView(m.buffer).setUint32(0, i);
    void a.send(m);
    scheduler.advance(1);
  }
  scheduler.runUntilIdle();
  return seen;
}

const indexes = (seen: Array<[number, number]>): number[] => seen.map(([, i]) => i);

describe('memory link faults', () => {
  test('without faults every message arrives once, in order, at once', () => {
    const seen = run({}, 1);
    expect(indexes(seen)).toEqual([...Array(1000).keys()]);
  });

  test('drops happen at about the configured rate', () => {
    const seen = run({ drop: 0.3 }, 7, 10_000);
    expect(seen.length / 10_000).toBeGreaterThan(0.67);
    expect(seen.length / 10_000).toBeLessThan(0.73);
    // What survives is still in order.
    expect(indexes(seen)).toEqual([...indexes(seen)].sort((x, y) => x - y));
  });

  test('duplicates appear at about the configured rate', () => {
    const seen = run({ duplicate: 0.2 }, 7, 10_000);
    expect(new Set(indexes(seen)).size).toBe(10_000);
    expect(seen.length / 10_000).toBeGreaterThan(1.17);
    expect(seen.length / 10_000).toBeLessThan(1.23);
  });

  test('a delay range delays but keeps order; reordering mixes the order but loses nothing', () => {
    const delayed = run({ delayMs: [10, 50] }, 3);
    expect(indexes(delayed)).toEqual([...Array(1000).keys()]);
    delayed.forEach(([time, index]) => expect(time - index).toBeGreaterThanOrEqual(10));

    const reordered = indexes(run({ reorderMs: 20 }, 3));
    expect(reordered).not.toEqual([...Array(1000).keys()]);
    expect([...reordered].sort((x, y) => x - y)).toEqual([...Array(1000).keys()]);
  });

  test('a partition drops everything, including messages in flight, until healed', () => {
    const scheduler = simScheduler();
    const { a, b, partition } = memoryLinkPair({ scheduler, faults: { delayMs: 10 } });
    const got: number[] = [];
    b.onMessage((m) => got.push(m[0]!));
    void a.send(Uint8Array.of(1));
    scheduler.advance(5);
    partition(true);
    void a.send(Uint8Array.of(2));
    scheduler.runUntilIdle();
    expect(got).toEqual([]);
    partition(false);
    void a.send(Uint8Array.of(3));
    scheduler.runUntilIdle();
    expect(got).toEqual([3]);
  });

  test('a close crosses a partition, after the delay', () => {
    const scheduler = simScheduler();
    const { a, b, partition } = memoryLinkPair({ scheduler, faults: { delayMs: 10 } });
    let reason: string | undefined;
    b.onClose((r) => (reason = r));
    partition(true);
    a.close('leaving');
    scheduler.advance(9);
    expect(reason).toBeUndefined();
    scheduler.advance(1);
    expect(reason).toContain('leaving');
  });

  test('the same seed gives the same delivery sequence', () => {
    const faults: MemoryLinkFaults = { drop: 0.1, duplicate: 0.1, reorderMs: 30, delayMs: [1, 20] };
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        expect(run(faults, seed, 200)).toEqual(run(faults, seed, 200));
      }),
      { numRuns: 50 },
    );
    expect(run(faults, 1, 200)).not.toEqual(run(faults, 2, 200));
  });

  test('send waits while more than highWaterBytes are in flight', async () => {
    const scheduler = simScheduler();
    const { a, b } = memoryLinkPair({ scheduler, faults: { delayMs: 10 }, highWaterBytes: 100 });
    const got: number[] = [];
    b.onMessage((m) => got.push(m[0]!));
    const accepted: number[] = [];
    const sends = Array.from({ length: 6 }, (_, i) => a.send(new Uint8Array(60).fill(i)).then(() => accepted.push(i)));
    await flush();
    expect(accepted).toEqual([0, 1]); // 120 bytes in flight: the third waits
    for (let i = 0; i < 10 && got.length < 6; i++) {
      scheduler.runUntilIdle();
      await flush();
    }
    await Promise.all(sends);
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('a send waiting for room fails when its link closes', async () => {
    const scheduler = simScheduler();
    const { a } = memoryLinkPair({ scheduler, faults: { delayMs: 10 }, highWaterBytes: 10 });
    void a.send(new Uint8Array(20));
    const waiting = a.send(new Uint8Array(20));
    a.close('gone');
    await expect(waiting).rejects.toBeInstanceOf(LinkClosedError);
  });
});

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
