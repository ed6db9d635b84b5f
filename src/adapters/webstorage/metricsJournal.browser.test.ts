import { expect, test } from 'vitest';
import type { HealthPoint } from '../../core/metrics/point.ts';
import { sessionMetricsJournal } from './metricsJournal.ts';

const point = (t: number): HealthPoint => ({ t, peers: 1, links: 1, refusedLinks: 0, opsIn: 0.2, opsOut: 0.4, published: 0, refused: 0, latencyMs: 12, lag: 0 });

test('the journal hands back what was written once, and ignores what it cannot read', () => {
  const journal = sessionMetricsJournal();
  journal.write([{ context: 'c1', savedAt: 5, points: [point(1), point(2)] }]);
  // A new page's journal over the same tab's storage.
  const next = sessionMetricsJournal();
  expect(next.take()).toEqual([{ context: 'c1', savedAt: 5, points: [point(1), point(2)] }]);
  expect(next.take()).toEqual([]);
  sessionStorage.setItem('tabnode:metrics-unsaved', '{not json');
  expect(next.take()).toEqual([]);
  sessionStorage.setItem('tabnode:metrics-unsaved', JSON.stringify([{ context: 7 }, { context: 'c2', savedAt: 1, points: [point(3), { nope: 1 }] }]));
  expect(next.take()).toEqual([{ context: 'c2', savedAt: 1, points: [point(3)] }]);
});
