import { describe, expect, it } from 'vitest';
import { createReplica } from '../src/core/context/replica.ts';
import { createContextState, stateMap } from '../src/core/state/index.ts';
import { buildGrowthFixture, GROWTH_JOINERS } from './growthFixture.ts';
import { openVault } from '../src/adapters/webcrypto/vault.ts';
import { sealerFor } from '../src/adapters/webcrypto/sealer.ts';
import { inlineBatchVerifier, toHex, type SignatureCheck } from '../src/core/crypto/index.ts';
import { decodeOp } from '../src/core/ops/op.ts';
import { memoryStore } from '../src/core/store/index.ts';
import { createPersistence } from '../src/node/contexts/context/persistence.ts';
import { sealAsVerified } from './sealedStore.ts';

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

describe('growth fixture sealed as verified (what the sealed cold open reads)', () => {
  it('opens from its snapshot and seal: no signature checked, no delta integrated again, each op evaluated once', async () => {
    const f = await buildGrowthFixture(120);
    const all = [...f.governance, ...f.deltas];
    const store = memoryStore();
    const context = toHex(f.contextId);
    await store.putOps(context, all.map((bytes) => ({ key: toHex(decodeOp(bytes).id), bytes })));
    await sealAsVerified(store, context, all);

    // What open.ts does: the snapshot, the stored ops and seals, then the replica takes them in.
    const state = createContextState();
    const persistence = createPersistence({ contextId: context, store, state, snapshotEveryDeltas: 200, sealer: sealerFor(store), vault: await openVault(store) });
    expect(await persistence.loadSnapshot()).toBe(f.deltas.length);
    let integrated = 0;
    state.doc.on('update', () => integrated++);
    const stored = await persistence.storedHistory();
    let signatures = 0;
    const verifier = { name: 'counting', verify: async (checks: readonly SignatureCheck[]) => ((signatures += checks.length), inlineBatchVerifier.verify(checks)) };
    const replica = createReplica(f.contextId, state, { signatures: verifier });
    const result = await replica.receive(stored.ops, undefined, undefined, stored.trusted);
    expect(result.rejected).toEqual([]);
    expect(result.accepted.length).toBe(all.length);
    expect(signatures).toBe(0);
    expect(integrated).toBe(0);
    expect(replica.evaluator.size()).toBe(all.length);
  });
});
