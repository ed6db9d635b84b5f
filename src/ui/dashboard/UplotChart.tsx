import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { PALETTE, type PlotData } from './plotSpecs.ts';

const HEIGHT = 170;

/** A CSS custom property of the page (the canvas cannot use var()). */
function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function options(names: string[], width: number, unit: string): uPlot.Options {
  const text = cssVar('--muted', '#5b6475');
  const grid = cssVar('--border', '#dde1e8');
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, max ?? 1)] } },
    series: [{}, ...names.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: false }, value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${v} ${unit}`) }))],
    axes: [axis, { ...axis, size: 44 }],
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
    const made = new uPlot(options(plot.names, Math.max(200, el.clientWidth), unit), plot.data, el);
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
