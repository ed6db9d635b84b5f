// The dashboard's uPlot chart in Chromium: its time axis speaks the app's one time format
// (shell/wording.ts), not uPlot's own ("12/7/26 5:04am").
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, test } from 'vitest';
import { page } from 'vitest/browser';
import uPlot from 'uplot';
import { formatClock } from '../shell/wording.ts';
import { PALETTE, type PlotData } from './plotSpecs.ts';
import '../styles.css';
import UplotChart, { chartOptions, EDGE_CLEARANCE_PX, lonelyPoints, ticksOffTheEdge, timeAxisLabels, timeRange } from './UplotChart.tsx';

type AxisValues = (u: uPlot, splits: number[], axisIdx: number, foundSpace: number, foundIncr: number) => string[];

test('the time axis labels ticks with the shared time format: minutes apart, then seconds apart', () => {
  const start = new Date(2026, 11, 7, 17, 4, 0).getTime() / 1000;
  const values = chartOptions(['Team'], 600, 'ops/s').axes![0]!.values as AxisValues;
  expect(typeof values).toBe('function');
  const minutes = values({} as uPlot, [start, start + 300, start + 600], 0, 80, 300);
  expect(minutes).toEqual([start, start + 300, start + 600].map((s) => formatClock(s * 1000)));
  const seconds = values({} as uPlot, [start, start + 30], 0, 80, 30);
  expect(seconds).toEqual([formatClock(start * 1000, true), formatClock((start + 30) * 1000, true)]);
  expect(seconds[0]).not.toBe(minutes[0]);
  // Not uPlot's own formats ("5:04pm", "12/7/26").
  for (const label of [...minutes, ...seconds]) expect(label).not.toMatch(/\d[ap]m|\/\d/);
});

/**
 * A 640 px chart of 40 s of samples, drawn on a fresh page: ticks seconds apart, the longest
 * labels ("05:04:30 AM"), the last sample at the right edge.
 */
async function drawnChart(): Promise<HTMLElement> {
  await page.viewport(800, 400);
  document.body.replaceChildren();
  const host = document.createElement('main');
  host.style.width = '640px';
  document.body.append(host);
  const t0 = Math.floor(Date.now() / 1000) - 40;
  const plot = { data: [[t0, t0 + 20, t0 + 40], [1, 2, 0.5]] as [number[], number[]], names: ['Team'], latest: [0.5], points: 3, omitted: 0 };
  createRoot(host).render(createElement(UplotChart, { plot, unit: 'ops/s' }));
  await expect.poll(() => host.querySelector('.uplot canvas')).not.toBeNull();
  return host;
}

test('the chart draws with those options', async () => {
  const host = await drawnChart();
  await page.elementLocator(host).screenshot({ path: '../../../test-results/screenshots/uplot-chart-axis.png' });
});

test('a sample with none beside it is drawn as a point (a line needs two); ticks on the right edge are left out', () => {
  expect(lonelyPoints([3])).toEqual([0]);
  expect(lonelyPoints([null, 2, null, 4, 5, null, 1])).toEqual([1, 6]);
  expect(lonelyPoints([1, 2, 3])).toBeNull();
  expect(lonelyPoints([null, null])).toBeNull();
  // At 600 px wide: a tick at 595 px is on the edge, one at 600 - EDGE_CLEARANCE_PX is not.
  expect(ticksOffTheEdge([10, 20, 30], [0, 600 - EDGE_CLEARANCE_PX, 595], 600)).toEqual([10, 20, null]);
  // A tick left out has no label either (not the epoch's time).
  expect(timeAxisLabels([null, 1_800_000_000], 300)).toEqual([null, formatClock(1_800_000_000_000)]);
});

test('a series of one sample shows on the chart', async () => {
  document.body.replaceChildren();
  const host = document.createElement('main');
  host.style.width = '640px';
  document.body.append(host);
  const t0 = Math.floor(Date.now() / 1000) - 40;
  // Two contexts, the second sampled once so far.
  const plot: PlotData = { data: [[t0, t0 + 20, t0 + 40], [1, 2, 0.5], [null, null, 0.7]], names: ['Team', 'New'], latest: [0.5, 0.7], points: 3, omitted: 0 };
  createRoot(host).render(createElement(UplotChart, { plot, unit: 'ops/s' }));
  await expect.poll(() => host.querySelector('.uplot canvas')).not.toBeNull();
  const canvas = host.querySelector<HTMLCanvasElement>('.uplot canvas')!;
  // The second series' colour is on the canvas (its point), not only the first's line.
  const second = PALETTE[1]!;
  await expect.poll(() => colourDrawn(canvas, second)).toBe(true);
  await page.elementLocator(host).screenshot({ path: '../../../test-results/screenshots/uplot-chart-one-sample.png' });
});

/** Whether any pixel of the canvas has the colour `hex` (#rrggbb), give or take antialiasing. */
function colourDrawn(canvas: HTMLCanvasElement, hex: string): boolean {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 0; i < pixels.length; i += 4) {
    if (Math.abs(pixels[i]! - r) < 8 && Math.abs(pixels[i + 1]! - g) < 8 && Math.abs(pixels[i + 2]! - b) < 8 && pixels[i + 3]! > 200) return true;
  }
  return false;
}

test('a change of colour scheme draws the chart again with the new colours', async () => {
  // The system's scheme, switched by the test: a stand-in for the '(prefers-color-scheme: dark)' query.
  const query = '(prefers-color-scheme: dark)';
  const listeners = new Set<() => void>();
  let dark = false;
  const realMatchMedia = window.matchMedia;
  window.matchMedia = (q: string) =>
    q === query ?
      ({ media: q, get matches() { return dark; }, addEventListener: (_: string, f: () => void) => listeners.add(f), removeEventListener: (_: string, f: () => void) => listeners.delete(f) } as unknown as MediaQueryList)
    : realMatchMedia.call(window, q);
  const root = document.documentElement;
  try {
    const host = await drawnChart();

    /** Whether the chart's canvas has a pixel of the grid colour the "dark" scheme gives below (magenta). */
    const hasMagenta = () => {
      const canvas = host.querySelector('.uplot canvas') as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 0; i < data.length; i += 4) if (data[i]! > 200 && data[i + 1]! < 60 && data[i + 2]! > 200 && data[i + 3]! > 200) return true;
      return false;
    };
    expect(hasMagenta()).toBe(false);

    // The page's colours change (as styles.css does in dark); the canvas read them once, so
    // until the scheme's change arrives the chart keeps the old ones.
    root.style.setProperty('--border', '#ff00ff');
    root.style.setProperty('--muted', '#ff00ff');
    expect(hasMagenta()).toBe(false);

    dark = true;
    for (const f of listeners) f();
    await expect.poll(hasMagenta).toBe(true);
    expect(host.querySelectorAll('.uplot')).toHaveLength(1);
  } finally {
    window.matchMedia = realMatchMedia;
    root.style.removeProperty('--border');
    root.style.removeProperty('--muted');
  }
});

test('one sample alone spans a minute either side on a real chart (uPlot would span a day, every tick reading 12:00 AM)', async () => {
  expect(timeRange([1_796_648_400], 1_796_648_400, 1_796_648_400 + 86_400)).toEqual([1_796_648_340, 1_796_648_460]);
  expect(timeRange([100, 400], 100, 400)).toEqual([100, 400]);
  const host = document.createElement('div');
  document.body.append(host);
  const t = 1_796_648_400;
  const chart = new uPlot(chartOptions(['Team'], 600, 'ops/s'), [[t], [3]], host);
  try {
    // uPlot sets its scales on its first (batched) draw.
    await expect.poll(() => [chart.scales.x!.min, chart.scales.x!.max]).toEqual([t - 60, t + 60]);
  } finally {
    chart.destroy();
    host.remove();
  }
});
