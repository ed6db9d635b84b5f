import { useEffect, useRef } from 'react';
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
export function timeAxisLabels(splits: number[], incrSeconds: number): string[] {
  return splits.map((s) => formatClock(s * 1000, incrSeconds < 60));
}

export function chartOptions(names: string[], width: number, unit: string): uPlot.Options {
  const text = cssVar('--muted', '#5b6475');
  const grid = cssVar('--border', '#dde1e8');
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  // Room for a label like "05:04:30 PM" between ticks.
  const timeAxis = { ...axis, space: 80, values: (_u: uPlot, splits: number[], _axis: number, _space: number, incr: number) => timeAxisLabels(splits, incr) };
  return {
    width,
    height: HEIGHT,
    // Room on the right for half the last time label (uPlot centres labels on their tick).
    padding: [null, 40, null, null],
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, max ?? 1)] } },
    series: [{}, ...names.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: false }, value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${v} ${unit}`) }))],
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

  // A new set of contexts makes a new chart; new samples only new data.
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
  }, [shape, unit]);

  useEffect(() => {
    chart.current?.setData(plot.data);
  }, [plot]);

  return <div ref={box} className="plot-canvas" />;
}
