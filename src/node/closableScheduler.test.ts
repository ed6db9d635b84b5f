import { expect, test } from 'vitest';
import { simScheduler } from '../core/mesh/simScheduler.ts';
import { closableScheduler } from './closableScheduler.ts';

test('closing cancels what waits, and nothing is scheduled after', () => {
  const inner = simScheduler();
  const s = closableScheduler(inner);
  const log: string[] = [];
  s.schedule(10, () => log.push('ran'));
  s.schedule(3_600_000, () => log.push('hourly'));
  const cancelled = s.schedule(20, () => log.push('cancelled'));
  cancelled();
  inner.advance(10);
  expect(inner.pending()).toBe(1);
  s.close();
  expect(inner.pending()).toBe(0);
  s.schedule(1, () => log.push('after close'));
  inner.runUntilIdle();
  expect(log).toEqual(['ran']);
});
