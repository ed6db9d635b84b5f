import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatClock } from '../shell/wording.ts';
import { PALETTE, type PlotData } from './plotSpecs.ts';

const HEIGHT = 170;

/** A CSS custom property of the page (the canvas cannot use var()). */
function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * The time axis's labels (x values are seconds) in the app's one time format, not uPlot's
 * own ("12/7/26 5:04am"): the time of day, with seconds when ticks are under a minute apart.
 */
export function timeAxisLabels(splits: readonly (number | null)[], incrSeconds: number): (string | null)[] {
  return splits.map((s) => (s === null ? null : formatClock(s * 1000, incrSeconds < 60)));
}

/** How close (CSS px) to the plot's right edge a time tick may be: nearer, it reads as the plot's border. */
export const EDGE_CLEARANCE_PX = 12;

/** The time ticks kept: none on (or just before) the plot's right edge. `positions` are CSS px from the plot's left. */
export function ticksOffTheEdge(splits: readonly number[], positions: readonly number[], plotWidth: number): (number | null)[] {
  return splits.map((s, i) => (plotWidth - positions[i]! < EDGE_CLEARANCE_PX ? null : s));
}

/**
 * Samples with no sample beside them (a series' only one, or one between gaps): a line
 * needs two, so these are drawn as points, or nothing would show.
 */
export function lonelyPoints(values: readonly (number | null | undefined)[]): number[] | null {
  const has = (i: number) => values[i] !== null && values[i] !== undefined;
  const lonely = values.flatMap((_, i) => (has(i) && !has(i - 1) && !has(i + 1) ? [i] : []));
  return lonely.length ? lonely : null;
}

/**
 * The time scale's range (seconds) over the samples' times `xs`: one sample alone gets a
 * minute either side. uPlot would span a day from it, whose ticks all read "12:00 AM" (it
 * hands the range function that day, not the one time, so this looks at the samples).
 */
export function timeRange(xs: ArrayLike<number | null>, min: number | null, max: number | null): [number, number] {
  const only = xs.length === 1 ? xs[0] : undefined;
  if (only !== undefined && only !== null) return [only - 60, only + 60];
  const lo = min ?? 0;
  const hi = max ?? lo;
  return hi > lo ? [lo, hi] : [lo - 60, hi + 60];
}

export function chartOptions(names: string[], width: number, unit: string): uPlot.Options {
  const text = cssVar('--muted', '#5b6475');
  const grid = cssVar('--border', '#dde1e8');
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  // Room for a label like "05:04:30 PM" between ticks.
  const offTheEdge = (u: uPlot, splits: number[]) =>
    ticksOffTheEdge(
      splits,
      splits.map((s) => u.valToPos(s, 'x')),
      u.bbox.width / uPlot.pxRatio,
    );
  const timeAxis = {
    ...axis,
    space: 80,
    filter: offTheEdge,
    ticks: { ...axis.ticks, filter: offTheEdge },
    grid: { ...axis.grid, filter: offTheEdge },
    values: (_u: uPlot, splits: (number | null)[], _axis: number, _space: number, incr: number) => timeAxisLabels(splits, incr),
  };
  return {
    width,
    height: HEIGHT,
    // Room on the right for half the last time label (uPlot centres labels on their tick).
    padding: [null, 40, null, null],
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { range: (u, min, max) => timeRange(u.data[0] ?? [], min, max) }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, max ?? 1)] } },
    series: [{}, ...names.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: false, size: 7, fill: PALETTE[i % PALETTE.length], filter: (u: uPlot, seriesIdx: number) => lonelyPoints(Array.from(u.data[seriesIdx]!)) }, value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${v} ${unit}`) }))],
    axes: [timeAxis, { ...axis, size: 44 }],
  };
}

/**
 * A uPlot line chart of aligned series, as wide as its container. Loaded lazily (with uPlot)
 * so the first page load does not carry it. The chart is drawn on a canvas: the figure
 * around it carries the text.
 */
export default function UplotChart({ plot, unit }: { plot: PlotData; unit: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const shape = plot.names.join('\n');
  const scheme = useColourScheme();

  // A new set of contexts (or colour scheme: the canvas's colours are read once) makes a new chart; new samples only new data.
  useEffect(() => {
    const el = box.current!;
    const made = new uPlot(chartOptions(plot.names, Math.max(200, el.clientWidth), unit), plot.data, el);
    chart.current = made;
    const resize = new ResizeObserver(() => made.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      made.destroy();
      chart.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, unit, scheme]);

  useEffect(() => {
    chart.current?.setData(plot.data);
  }, [plot]);

  return <div ref={box} className="plot-canvas" />;
}

/** The page's colour scheme, followed as it changes (the system's light or dark setting). */
function useColourScheme(): 'dark' | 'light' {
  const query = '(prefers-color-scheme: dark)';
  const [dark, setDark] = useState(() => matchMedia(query).matches);
  useEffect(() => {
    const media = matchMedia(query);
    const follow = () => setDark(media.matches);
    media.addEventListener('change', follow);
    return () => media.removeEventListener('change', follow);
  }, []);
  return dark ? 'dark' : 'light';
}
