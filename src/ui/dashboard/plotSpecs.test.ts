import { expect, test } from 'vitest';
import type { HealthPoint } from '../../core/metrics/index.ts';
import type { ContextHealth } from '../../node/index.ts';
import { MAX_PLOTTED_CONTEXTS, PLOTS, plotData, plotSummary, valueText } from './plotSpecs.ts';

const point = (t: number, opsIn: number): HealthPoint => ({ t, peers: 1, links: 1, refusedLinks: 0, opsIn, opsOut: 0, published: 0, refused: 0, latencyMs: null, lag: 0 });
const ctx = (name: string, series: HealthPoint[]) => ({ name, series }) as ContextHealth;

test('a plot draws one line per context on one axis, says the latest values, and is bounded in contexts', () => {
  const d = plotData([ctx('Team', [point(0, 1), point(120_000, 0.5)]), ctx('Ops', [point(120_000, 2)])], 'opsIn');
  expect(d.data).toEqual([[0, 120], [1, 0.5], [null, 2]]);
  expect(d.latest).toEqual([0.5, 2]);
  expect(plotSummary(PLOTS[0]!, d)).toBe('Ops in over the last 2 min (2 samples). Latest: Team 0.5 ops/s, Ops 2 ops/s.');
  expect(plotSummary(PLOTS[0]!, plotData([], 'opsIn'))).toBe('Ops in: no samples yet.');
  const many = Array.from({ length: MAX_PLOTTED_CONTEXTS + 2 }, (_, i) => ctx(`C${i}`, [point(0, i)]));
  expect(plotData(many, 'opsIn')).toMatchObject({ omitted: 2, names: many.slice(0, MAX_PLOTTED_CONTEXTS).map((c) => c.name) });
});

test('the latest value is the newest sample that has one; units read right after a 1', () => {
  const s = [{ ...point(0, 0), latencyMs: 40 }, { ...point(5000, 0), latencyMs: null }];
  expect(plotData([ctx('Team', s)], 'latencyMs').latest).toEqual([40]);
  expect(plotData([ctx('Team', [point(0, 0)])], 'latencyMs').latest).toEqual([null]);
  expect(valueText(1, 'peers', 'peer')).toBe('1 peer');
  expect(valueText(2, 'peers', 'peer')).toBe('2 peers');
  expect(valueText(null, 'ms')).toBe('no data');
});
