// A token bucket: up to `burst` units at once, refilled at `ratePerSecond`. One per limit
// and connection; it holds two numbers, so it costs nothing to keep per client.

export interface TokenBucket {
  /** Takes `amount` units if the bucket holds them; false (and nothing taken) otherwise. */
  take(amount: number): boolean;
}

/** `now` in milliseconds, monotonic (performance.now), injectable for tests. */
export function tokenBucket(ratePerSecond: number, burst: number, now: () => number = () => performance.now()): TokenBucket {
  let tokens = burst;
  let refilledAt = now();
  return {
    take(amount) {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - refilledAt) / 1000) * ratePerSecond);
      refilledAt = t;
      if (amount > tokens) return false;
      tokens -= amount;
      return true;
    },
  };
}
