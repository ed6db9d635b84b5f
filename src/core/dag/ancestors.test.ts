import { describe, expect, test } from 'vitest';
import { toHex } from '../crypto/index.ts';
import { createReplica } from '../context/replica.ts';
import { deltaBody, genesis, invite, joinBody, op, person, recordingSink } from '../context/testkit.ts';
import { ancestors, walkAncestry } from './ancestors.ts';

//   g ← a ← c ← e
//   g ← b ← c      (c merges a and b); d hangs off b; x names a parent not held here
const parents: Record<string, string[]> = { g: [], a: ['g'], b: ['g'], c: ['a', 'b'], d: ['b'], e: ['c'], x: ['missing'] };
const parentsOf = (k: string) => parents[k];

describe('one causal-past walk', () => {
  test('the past of an op with these parents: the parents and all they descend from, once each', () => {
    expect([...ancestors(['c'], parentsOf)].sort()).toEqual(['a', 'b', 'c', 'g']);
    expect([...ancestors(['a', 'b'], parentsOf)].sort()).toEqual(['a', 'b', 'g']);
    expect([...ancestors(['d', 'e'], parentsOf)].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'g']);
    expect(ancestors([], parentsOf).size).toBe(0);
  });

  test('a parent not held here is in the past, with no past of its own', () => {
    expect([...ancestors(['x'], parentsOf)].sort()).toEqual(['missing', 'x']);
  });

  test('a visitor sees each op once, with the count so far, and can stop the walk', () => {
    const seen: string[] = [];
    walkAncestry(['e'], parentsOf, (k, n) => {
      seen.push(k);
      expect(n).toBe(seen.length);
    });
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'e', 'g']);
    const stopped = walkAncestry(['e'], parentsOf, (k) => k !== 'c');
    expect([...stopped].sort()).toEqual(['c', 'e']);
  });

  test("the DAG's ancestors walk its complete ops", async () => {
    const [a, b] = await Promise.all([person('A', 61), person('B', 62)]);
    const g = await genesis(a);
    const join = await op(b.device, g.id, [g], joinBody(b.device, await invite(a.device, g.id, { role: 'writer', nonce: 1 })));
    const w1 = await op(b.device, g.id, [join], deltaBody('one'));
    const w2 = await op(a.device, g.id, [join], deltaBody('two'));
    const replica = createReplica(g.id, recordingSink(), {});
    await replica.receive([g, join, w1, w2]);
    const past = replica.dag.ancestors([toHex(w1.id), toHex(w2.id)]);
    expect([...past].sort()).toEqual([g, join, w1, w2].map((o) => toHex(o.id)).sort());
    expect([...replica.dag.ancestors([toHex(join.id)])].sort()).toEqual([g, join].map((o) => toHex(o.id)).sort());
  });
});
