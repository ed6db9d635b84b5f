// The dashboard's uPlot chart in Chromium: its time axis speaks the app's one time format
// (shell/wording.ts), not uPlot's own ("12/7/26 5:04am").
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, test } from 'vitest';
import { page } from 'vitest/browser';
import type uPlot from 'uplot';
import { formatClock } from '../shell/wording.ts';
import '../styles.css';
import UplotChart, { chartOptions } from './UplotChart.tsx';

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

test('the chart draws with those options', async () => {
  await page.viewport(800, 400);
  document.body.replaceChildren();
  const host = document.createElement('main');
  host.style.width = '640px';
  document.body.append(host);
  // 40 s of samples: ticks seconds apart, the longest labels ("05:04:30 AM"), the last at the right edge.
  const t0 = Math.floor(Date.now() / 1000) - 40;
  const plot = { data: [[t0, t0 + 20, t0 + 40], [1, 2, 0.5]] as [number[], number[]], names: ['Team'], latest: [0.5], points: 3, omitted: 0 };
  createRoot(host).render(createElement(UplotChart, { plot, unit: 'ops/s' }));
  await expect.poll(() => host.querySelector('.uplot canvas')).not.toBeNull();
  await page.elementLocator(host).screenshot({ path: '../../../test-results/screenshots/uplot-chart-axis.png' });
});
