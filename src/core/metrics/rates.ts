/** Events per second over an interval, rounded to hundredths; 0 for an empty interval. */
export function perSecond(count: number, intervalMs: number): number {
  if (intervalMs <= 0 || count <= 0) return 0;
  return Math.round((count / intervalMs) * 100_000) / 100;
}

/**
 * How much each counter grew since the last reading, summed. Counters belong to links that
 * come and go: a new one counts from zero, a vanished one adds nothing (what it counted
 * after the last reading is lost with it), and one that went down started again.
 * Returns the total and the readings to pass next time.
 */
export function counterGrowth(previous: ReadonlyMap<string, number>, now: Iterable<readonly [id: string, count: number]>): { total: number; readings: Map<string, number> } {
  const readings = new Map<string, number>();
  let total = 0;
  for (const [id, count] of now) {
    const before = previous.get(id) ?? 0;
    total += count >= before ? count - before : count;
    readings.set(id, count);
  }
  return { total, readings };
}

/** The median of some numbers (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
