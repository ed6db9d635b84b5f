import { describe, expect, it } from 'vitest';
import { createReplica } from '../src/core/context/replica.ts';
import { createContextState, stateMap } from '../src/core/state/index.ts';
import { buildGrowthFixture, GROWTH_JOINERS } from './growthFixture.ts';

describe('growth fixture', () => {
  it('builds a history a fresh replica accepts whole: every op valid, none rejected', async () => {
    const f = await buildGrowthFixture(300);
    expect(f.governance.length).toBe(1 + GROWTH_JOINERS);
    expect(f.governance.length + f.deltas.length).toBe(300);
    const state = createContextState();
    const replica = createReplica(f.contextId, state);
    let accepted = 0;
    for (const batch of [f.governance, ...chunks(f.deltas, 64)]) {
      const result = await replica.receive(batch);
      expect(result.rejected).toEqual([]);
      expect(result.rebuilt).toBe(false);
      for (const c of result.accepted) expect(replica.isValidOp(c.key)).toBe(true);
      accepted += result.accepted.length;
    }
    expect(accepted).toBe(300);
    expect(stateMap(state.doc).size).toBeGreaterThan(50);
  });

  it('is deterministic: the same size gives the same bytes', async () => {
    const [a, b] = await Promise.all([buildGrowthFixture(40), buildGrowthFixture(40)]);
    expect(a.deltas).toEqual(b.deltas);
  });
});

function chunks<T>(items: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}
