import { describe, expect, test } from 'vitest';
import { createOverwriteWatch, OVERWRITE_LIMITS, sawOp } from './overwrites.ts';

/** A little DAG: g ← mine ← later;  g ← other (concurrent with mine). */
const parents: Record<string, string[]> = { g: [], mine: ['g'], later: ['mine'], other: ['g'], merged: ['mine', 'other'] };
const parentsOf = (k: string) => parents[k];

describe('overwrite watch (a write of mine replaced concurrently)', () => {
  test('a concurrent write that won is reported with its value; one that lost is not', () => {
    const watch = createOverwriteWatch(parentsOf);
    watch.mine('mine', [['colour', 'teal']]);
    expect(watch.theirs('other', [['colour', 'red']])).toEqual([{ key: 'colour', mine: 'teal', winner: 'red', byOp: 'other' }]);

    const lost = createOverwriteWatch(parentsOf);
    lost.mine('mine', [['colour', { a: 1, b: 2 }]]);
    // Yjs kept mine: the key holds my value (canonically equal) after their op.
    expect(lost.theirs('other', [['colour', { b: 2, a: 1 }]])).toEqual([]);
  });

  test('an edit made on top of mine is ordinary: no notice', () => {
    const watch = createOverwriteWatch(parentsOf);
    watch.mine('mine', [['colour', 'teal']]);
    expect(watch.theirs('later', [['colour', 'blue']])).toEqual([]);
    expect(watch.theirs('merged', [['colour', 'green']])).toEqual([]);
  });

  test('a concurrent removal of my key is reported; each write of mine is reported once', () => {
    const watch = createOverwriteWatch(parentsOf);
    watch.mine('mine', [['k', 1], ['other-key', 2]]);
    expect(watch.theirs('other', [['k', undefined]])).toEqual([{ key: 'k', mine: 1, winner: undefined, byOp: 'other' }]);
    expect(watch.theirs('other', [['k', 3]])).toEqual([]);
    expect(watch.theirs('other', [['untracked', 3]])).toEqual([]);
  });

  test('bounded: only the newest keys are watched, and the ancestry walk stops', () => {
    const watch = createOverwriteWatch(parentsOf);
    for (let i = 0; i < OVERWRITE_LIMITS.trackedKeys + 10; i++) watch.mine('mine', [[`k${i}`, i]]);
    expect(watch.size()).toBe(OVERWRITE_LIMITS.trackedKeys);
    expect(watch.theirs('other', [['k0', 'x']])).toEqual([]);
    const chain = (k: string) => (k === 'root' ? [] : [`n${Number(k.slice(1)) - 1}`.replace('n-1', 'root')]);
    expect(sawOp('unrelated', `n${OVERWRITE_LIMITS.ancestryWalk + 50}`, chain)).toBe(true);
    expect(sawOp('unrelated', 'n5', chain)).toBe(false);
    expect(sawOp('n2', 'n5', chain)).toBe(true);
  });
});
