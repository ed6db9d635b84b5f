import type { HealthPoint } from './point.ts';

/** Plottable numeric fields of a health point. */
export type HealthField = Exclude<keyof HealthPoint, 't'>;

/**
 * Several contexts' series of one field on one time axis (seconds, as uPlot takes it):
 * the union of their sample times, with null where a context has no sample.
 */
export function alignSeries(series: readonly (readonly HealthPoint[])[], field: HealthField): { xs: number[]; ys: (number | null)[][] } {
  const times = [...new Set(series.flatMap((s) => s.map((p) => p.t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const ys = series.map((s) => {
    const column: (number | null)[] = new Array<number | null>(times.length).fill(null);
    for (const p of s) column[index.get(p.t)!] = p[field];
    return column;
  });
  return { xs: times.map((t) => t / 1000), ys };
}
