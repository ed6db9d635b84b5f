import { describe, expect, test } from 'vitest';
import { agreementMatrix, alignSeries, appendPoint, counterGrowth, median, mergeSeries, perSecond, recentPoints, type HealthPoint } from './index.ts';

const point = (t: number, extra: Partial<HealthPoint> = {}): HealthPoint => ({ t, peers: 0, links: 0, refusedLinks: 0, opsIn: 0, opsOut: 0, published: 0, refused: 0, latencyMs: null, lag: 0, ...extra });

describe('bounded series', () => {
  test('appending keeps the newest points up to the bound, in time order', () => {
    let s: HealthPoint[] = [];
    for (let t = 1; t <= 10; t++) s = appendPoint(s, point(t * 1000), 4);
    expect(s.map((p) => p.t)).toEqual([7000, 8000, 9000, 10000]);
  });

  test('a point not newer than the last is dropped', () => {
    const s = appendPoint(appendPoint([], point(5000)), point(5000, { peers: 9 }));
    expect(s).toEqual([point(5000)]);
    expect(appendPoint(s, point(4000))).toHaveLength(1);
  });

  test('recent points are those of the window before now, bounded', () => {
    const s = [point(1000), point(2000), point(3000), point(4000)];
    expect(recentPoints(s, 4000, 2500).map((p) => p.t)).toEqual([2000, 3000, 4000]);
    expect(recentPoints(s, 4000, 10_000, 2).map((p) => p.t)).toEqual([3000, 4000]);
  });

  test('a stored series joins the new one without doubling a point, bounded', () => {
    const stored = [point(1000), point(2000), point(3000)];
    const sampled = [point(3000, { peers: 1 }), point(4000)];
    expect(mergeSeries(stored, sampled)).toEqual([point(1000), point(2000), point(3000, { peers: 1 }), point(4000)]);
    expect(mergeSeries(stored, sampled, 2).map((p) => p.t)).toEqual([3000, 4000]);
    expect(mergeSeries(stored, [])).toEqual(stored);
  });
});

describe('rates', () => {
  test('per second over an interval, rounded to hundredths', () => {
    expect(perSecond(10, 5000)).toBe(2);
    expect(perSecond(1, 3000)).toBe(0.33);
    expect(perSecond(0, 5000)).toBe(0);
    expect(perSecond(5, 0)).toBe(0);
  });

  test('counter growth follows links that come, go and restart', () => {
    const first = counterGrowth(new Map(), [['a', 3], ['b', 2]]);
    expect(first.total).toBe(5);
    // a grew by 4, b went away, c is new with 1.
    const second = counterGrowth(first.readings, [['a', 7], ['c', 1]]);
    expect(second.total).toBe(5);
    expect([...second.readings]).toEqual([['a', 7], ['c', 1]]);
    // a link id reused by a new link whose counter starts again
    expect(counterGrowth(second.readings, [['a', 2]]).total).toBe(2);
  });

  test('median of odd and even counts, null for none', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('checkpoint agreement matrix', () => {
  test('peers × contexts, from checkpoints and links', () => {
    const m = agreementMatrix([
      {
        id: 'c1',
        name: 'One',
        peers: [{ key: 'bb', label: 'Bob' }, { key: 'cc', label: 'Carol' }],
        checkpoints: [{ peer: 'bb', label: 'Bob', comparison: 'agree', at: 10 }],
      },
      {
        id: 'c2',
        name: 'Two',
        peers: [{ key: 'bb', label: 'Bob' }],
        checkpoints: [
          { peer: 'bb', label: 'Bob', comparison: 'diverged', at: 20 },
          { peer: 'dd', label: 'Dan', comparison: 'different-heads', at: 30 },
        ],
      },
    ]);
    expect(m.contexts).toEqual([{ id: 'c1', name: 'One' }, { id: 'c2', name: 'Two' }]);
    expect(m.rows.map((r) => [r.label, ...r.cells])).toEqual([
      ['Bob', 'agree', 'diverged'],
      ['Carol', 'unknown', 'absent'],
      ['Dan', 'absent', 'syncing'],
    ]);
    expect(m.rows[0]!.at).toEqual([10, 20]);
    expect(m.omitted).toBe(0);
  });

  test('is bounded in peers, saying how many were left out; handshaking peers without a key are skipped', () => {
    const peers = Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, label: `P${i}` }));
    const m = agreementMatrix([{ id: 'c', name: 'C', peers: [...peers, {}], checkpoints: [] }], 3);
    expect(m.rows.map((r) => r.label)).toEqual(['P0', 'P1', 'P2']);
    expect(m.omitted).toBe(2);
  });
});

describe('aligned series for plotting', () => {
  test('one time axis in seconds, null where a context has no sample', () => {
    const a = [point(1000, { peers: 1 }), point(2000, { peers: 2 })];
    const b = [point(2000, { peers: 5 }), point(3000, { peers: 6 })];
    expect(alignSeries([a, b], 'peers')).toEqual({ xs: [1, 2, 3], ys: [[1, 2, null], [null, 5, 6]] });
    expect(alignSeries([], 'peers')).toEqual({ xs: [], ys: [] });
  });
});
