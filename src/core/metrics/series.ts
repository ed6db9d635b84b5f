import { MAX_POINTS_PER_CONTEXT, type HealthPoint } from './point.ts';

/**
 * Append a point, keeping the series in time order and at most `max` points (the newest).
 * A point not newer than the last is dropped: samples of one context come from one clock.
 */
export function appendPoint(series: readonly HealthPoint[], point: HealthPoint, max = MAX_POINTS_PER_CONTEXT): HealthPoint[] {
  const last = series.at(-1);
  if (last && point.t <= last.t) return [...series];
  const next = [...series, point];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** The points of the last `windowMs` before `now`, bounded to the newest `max`. */
export function recentPoints(series: readonly HealthPoint[], now: number, windowMs: number, max = MAX_POINTS_PER_CONTEXT): HealthPoint[] {
  const kept = series.filter((p) => p.t > now - windowMs && p.t <= now);
  return kept.length > max ? kept.slice(kept.length - max) : kept;
}

/**
 * Join a stored series with the one sampled since: stored points older than the first new
 * one, then the new ones, bounded. Keeps a reload's history and never doubles a point.
 */
export function mergeSeries(stored: readonly HealthPoint[], sampled: readonly HealthPoint[], max = MAX_POINTS_PER_CONTEXT): HealthPoint[] {
  const first = sampled[0]?.t ?? Infinity;
  const merged = [...stored.filter((p) => p.t < first), ...sampled];
  return merged.length > max ? merged.slice(merged.length - max) : merged;
}
