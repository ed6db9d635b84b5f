import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ringNeighbours, RingPolicyError } from './ringPolicy.ts';

const ids = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 40 });

/** Components of the graph where a and b are linked when either wants the other. */
function connected(peers: string[], maxConns: number): boolean {
  const seen = new Set([peers[0]!]);
  const todo = [peers[0]!];
  while (todo.length) {
    const at = todo.pop()!;
    for (const other of peers) {
      if (seen.has(other)) continue;
      if (ringNeighbours(at, peers, maxConns).has(other) || ringNeighbours(other, peers, maxConns).has(at)) {
        seen.add(other);
        todo.push(other);
      }
    }
  }
  return seen.size === peers.length;
}

describe('ringNeighbours', () => {
  test('everyone is wanted while the room is small enough', () => {
    expect(ringNeighbours('c', ['a', 'b', 'd'], 4)).toEqual(new Set(['a', 'b', 'd']));
  });

  test('nearest on each side, wrapping around', () => {
    const peers = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(ringNeighbours('a', peers, 2)).toEqual(new Set(['b', 'f']));
    expect(ringNeighbours('a', peers, 4)).toEqual(new Set(['b', 'c', 'e', 'f']));
    expect(ringNeighbours('a', peers, 5)).toEqual(new Set(['b', 'c', 'e', 'f']));
  });

  test('never more than maxConns, always symmetric, always connected', () => {
    fc.assert(
      fc.property(ids, fc.integer({ min: 2, max: 9 }), (peers, maxConns) => {
        for (const self of peers) {
          const wanted = ringNeighbours(self, peers, maxConns);
          expect(wanted.size).toBeLessThanOrEqual(maxConns);
          expect(wanted.has(self)).toBe(false);
          for (const other of wanted) expect(ringNeighbours(other, peers, maxConns).has(self)).toBe(true);
        }
        expect(connected(peers, maxConns)).toBe(true);
      }),
    );
  });

  test('a limit under two is refused', () => {
    expect(() => ringNeighbours('a', ['b'], 1)).toThrow(RingPolicyError);
  });
});
