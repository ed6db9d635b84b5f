import { describe, expect, it } from 'vitest';
import { tokenBucket } from './tokenBucket.ts';

describe('tokenBucket', () => {
  it('gives its burst at once, then refills at its rate, never above the burst', () => {
    let now = 0;
    const bucket = tokenBucket({ perSecond: 2, burst: 3 }, now);
    expect([bucket.take(1, now), bucket.take(1, now), bucket.take(1, now), bucket.take(1, now)]).toEqual([true, true, true, false]);
    now += 500; // half a second at 2/s: one token
    expect([bucket.take(1, now), bucket.take(1, now)]).toEqual([true, false]);
    now += 60_000; // a long pause refills to the burst only
    expect([bucket.take(3, now), bucket.take(1, now)]).toEqual([true, false]);
  });

  it('takes nothing when the amount is over what it holds', () => {
    const bucket = tokenBucket({ perSecond: 100, burst: 1000 }, 0);
    expect(bucket.take(1001, 0)).toBe(false);
    expect(bucket.take(1000, 0)).toBe(true);
  });
});
