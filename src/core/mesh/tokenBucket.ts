/**
 * A token bucket: up to `burst` units at once, refilled at `perSecond`. It holds two numbers,
 * so one per limit and peer costs nothing. Time comes from the caller (core reads no clock).
 */
export interface TokenBucket {
  /** Take `amount` units at time `now` (ms) if the bucket holds them; false (and nothing taken) otherwise. */
  take(amount: number, now: number): boolean;
}

export function tokenBucket(limit: { perSecond: number; burst: number }, now: number): TokenBucket {
  let tokens = limit.burst;
  let at = now;
  return {
    take(amount, t) {
      tokens = Math.min(limit.burst, tokens + (Math.max(0, t - at) * limit.perSecond) / 1000);
      at = t;
      if (amount > tokens) return false;
      tokens -= amount;
      return true;
    },
  };
}
