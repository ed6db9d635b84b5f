import { afterEach, expect, test } from 'vitest';
import { clearGoals, GOALS, recordGoal, renderGoals, verdict } from './goals.ts';
import { chromiumVerifyApply, VERIFY_APPLY } from './verifyApply.ts';

afterEach(clearGoals);

const rowOf = (table: string, text: string) => table.split('\n').find((line) => line.startsWith(text)) ?? '';

test('a figure within its limit is met, past it not met; rates must reach theirs', () => {
  expect(verdict('wasm-round-trip', 1.5)).toBe('met');
  expect(verdict('wasm-round-trip', 1.51)).toBe('not met');
  expect(verdict('verify-apply', 25_000)).toBe('met');
  expect(verdict('verify-apply', 19_999)).toBe('not met');
  expect(verdict('heap-100k', 'not measured: out of time')).toBeUndefined();
});

test('the summary lists every goal, with its figure and met / not met / not measured', () => {
  recordGoal({ goal: 'write-100k', figure: 1.05 });
  recordGoal({ goal: 'first-load-js', figure: 260.4 });
  recordGoal({ goal: 'cold-open-100k', figure: 'not measured: predicted 400 s over the budget' });
  const table = renderGoals(undefined, ['growth', 'bundle']);
  expect(table.split('\n')).toHaveLength(2 + Object.keys(GOALS).length);
  expect(rowOf(table, GOALS['write-100k'].text)).toMatch(/≤ 1\.20x\s+\| 1\.05x\s+\| met/);
  expect(rowOf(table, GOALS['first-load-js'].text)).toMatch(/260\.4 kB\s+\| not met/);
  expect(rowOf(table, GOALS['cold-open-100k'].text)).toMatch(/not measured: predicted 400 s over the budget/);
  expect(rowOf(table, GOALS['heap-100k'].text)).toMatch(/not measured \(the growth section does not measure it yet\)/);
  expect(rowOf(table, GOALS['wasm-round-trip'].text)).toMatch(/not measured \(run npm run bench -- runtime\)/);
});

test('a section shows only its own goals; the later of two records wins', () => {
  recordGoal({ goal: 'wasm-round-trip', figure: 2.9 });
  recordGoal({ goal: 'wasm-round-trip', figure: 1.2, detail: 'fastest of 5' });
  const table = renderGoals(['runtime']);
  expect(table.split('\n')).toHaveLength(3);
  expect(table).toMatch(/1\.20x \(fastest of 5\)\s+\| met/);
});

test("verify + apply's goal reads the Chromium page's figures, whose group names the pool", () => {
  const figures = [
    { group: 'Node v20', name: VERIFY_APPLY.full, opsPerSec: 30_000 },
    { group: 'Chromium (pool of 1)', name: VERIFY_APPLY.full, opsPerSec: 11_000 },
    { group: 'Chromium (pool of 1)', name: VERIFY_APPLY.pooled, opsPerSec: 9_000 },
  ];
  expect(chromiumVerifyApply(figures)).toEqual({ pooled: 9_000, inline: 11_000 });
  expect(chromiumVerifyApply(figures.slice(0, 2))).toEqual({ inline: 11_000 });
  expect(chromiumVerifyApply(figures.slice(0, 1))).toEqual({});
});

test('a goal whose condition beside the figure failed is not met, whatever the figure', () => {
  recordGoal({ goal: 'catch-up-100k', figure: 9_000, detail: 'fixture context', failed: 'the bar never showed' });
  expect(rowOf(renderGoals(['p2p']), GOALS['catch-up-100k'].text)).toMatch(/9\.00 s \(fixture context\)\s+\| not met: the bar never showed/);
  recordGoal({ goal: 'catch-up-100k', figure: 9_000, detail: 'fixture context' });
  expect(rowOf(renderGoals(['p2p']), GOALS['catch-up-100k'].text)).toMatch(/\| met/);
});
