import { describe, expect, it } from 'vitest';
import { tokenBucket } from './tokenBucket.ts';

describe('tokenBucket', () => {
  it('gives its burst at once, then refills at its rate, never above the burst', () => {
    let now = 0;
    const bucket = tokenBucket(2, 3, () => now);
    expect([bucket.take(1), bucket.take(1), bucket.take(1), bucket.take(1)]).toEqual([true, true, true, false]);
    now += 500; // half a second at 2/s: one token
    expect([bucket.take(1), bucket.take(1)]).toEqual([true, false]);
    now += 60_000; // a long pause refills to the burst only
    expect([bucket.take(3), bucket.take(1)]).toEqual([true, false]);
  });

  it('takes nothing when the amount is over what it holds', () => {
    let now = 0;
    const bucket = tokenBucket(100, 1000, () => now);
    expect(bucket.take(1001)).toBe(false);
    expect(bucket.take(1000)).toBe(true);
  });
});
