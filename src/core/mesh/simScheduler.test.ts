import { expect, test } from 'vitest';
import { SchedulerRunawayError, simScheduler } from './simScheduler.ts';

test('runs tasks in due order, ties in scheduling order, moving the clock', () => {
  const s = simScheduler(100);
  const log: string[] = [];
  s.schedule(20, () => log.push(`c@${s.now()}`));
  s.schedule(10, () => log.push(`a@${s.now()}`));
  s.schedule(10, () => {
    log.push(`b@${s.now()}`);
    s.schedule(0, () => log.push(`b2@${s.now()}`));
  });
  expect(s.pending()).toBe(3);
  s.advance(10);
  expect(log).toEqual(['a@110', 'b@110', 'b2@110']);
  expect(s.now()).toBe(110);
  s.advance(5);
  expect(s.now()).toBe(115);
  expect(s.runUntilIdle()).toBe(1);
  expect(log.at(-1)).toBe('c@120');
  expect(s.pending()).toBe(0);
});

test('negative or NaN delays run as soon as possible', () => {
  const s = simScheduler();
  const log: number[] = [];
  s.schedule(-5, () => log.push(1));
  s.schedule(Number.NaN, () => log.push(2));
  s.runUntilIdle();
  expect(log).toEqual([1, 2]);
  expect(s.now()).toBe(0);
});

test('runUntilIdle stops a task that reschedules itself forever', () => {
  const s = simScheduler();
  const again = (): void => void s.schedule(1, again);
  again();
  expect(() => s.runUntilIdle(1000)).toThrow(SchedulerRunawayError);
});

test('a cancelled task does not run, is not pending, and leaves the order of the others', () => {
  const s = simScheduler();
  const log: number[] = [];
  s.schedule(5, () => log.push(1));
  const cancel = s.schedule(5, () => log.push(2));
  const cancelLater = s.schedule(10, () => log.push(3));
  s.schedule(5, () => log.push(4));
  cancel();
  cancel();
  expect(s.pending()).toBe(3);
  s.advance(5);
  expect(log).toEqual([1, 4]);
  cancelLater();
  expect(s.pending()).toBe(0);
  expect(s.runUntilIdle()).toBe(0);
  expect(log).toEqual([1, 4]);
});

test('cancelling a task that already ran changes nothing', () => {
  const s = simScheduler();
  const log: number[] = [];
  const cancel = s.schedule(1, () => log.push(1));
  s.advance(1);
  cancel();
  s.schedule(1, () => log.push(2));
  expect(s.pending()).toBe(1);
  s.runUntilIdle();
  expect(log).toEqual([1, 2]);
});
