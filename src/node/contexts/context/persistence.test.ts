import { describe, expect, test } from 'vitest';
import { sealerFor } from '../../../adapters/webcrypto/sealer.ts';
import { APP, bindingFor, ethPerson, memoryRegistry } from '../../../core/anchor/anchorDoubles.testing.ts';
import { anchoredRevokeBody } from '../../../core/anchor/binding.ts';
import { createReplica } from '../../../core/context/replica.ts';
import { deltaBody, genesis, invite, joinBody, op, person, recordingSink, T0 } from '../../../core/context/testkit.ts';
import { idKey, type Op } from '../../../core/ops/op.ts';
import { createContextState } from '../../../core/state/index.ts';
import { memoryStore } from '../../../core/store/index.ts';
import { toHex } from '../../../core/crypto/index.ts';
import { createPersistence } from './persistence.ts';

/** A genesis and `deltas` deltas by one author, each on the one before. */
async function chainOf(seed: number, name: string, deltas: number): Promise<{ g: Op; ops: Op[] }> {
  const author = await person('P', seed);
  const g = await genesis(author, name, T0);
  const ops: Op[] = [g];
  for (let i = 0; i < deltas; i++) ops.push(await op(author.device, g.id, [ops.at(-1)!], deltaBody(`n${i}`), T0 + i + 1));
  return { g, ops };
}

describe('persistence: stored verdicts', () => {
  test("an anchored revocation verified on chain once is trusted on reopen: no RPC asked, none needed", async () => {
    const A = await ethPerson('A', 1);
    const C = await person('C', 3);
    const phone = await A.newDevice('A phone');
    const registry = memoryRegistry(bindingFor(A));
    const g = await genesis(A, 'anchored', T0, [APP], bindingFor(A));
    const ops: Op[] = [g];
    const add = async (by: typeof C.device, body: Parameters<typeof op>[3]) => {
      ops.push(await op(by, g.id, [ops.at(-1)!], body, T0 + 1000 + ops.length));
      return ops.at(-1)!;
    };
    await add(C.device, joinBody(C.device, await invite(A.device, g.id, { role: 'reader', nonce: 2 })));
    await add(phone, { kind: 'add-device', delegation: phone.delegation });
    const revoke = await add(C.device, anchoredRevokeBody(registry.revoke(phone, A.address, true)));

    // This node verifies it with its RPC and stores it.
    const store = memoryStore();
    const context = toHex(g.id);
    const persistence = () => createPersistence({ contextId: context, store, state: createContextState(), snapshotEveryDeltas: 200, sealer: sealerFor(store) });
    const online = createReplica(g.id, recordingSink(), { anchors: registry.source });
    const taken = await online.receive(ops);
    expect(taken.rejected).toEqual([]);
    await persistence().persist(taken.accepted);
    expect(registry.calls()).toBe(1);

    // Restarted without an RPC: before seals it refused the stored op ('unverifiable').
    const history = await persistence().storedHistory();
    expect((await createReplica(g.id, recordingSink(), {}).receive(history.ops)).rejected.map((r) => r.reason)).toEqual(['unverifiable']);
    const offline = createReplica(g.id, recordingSink(), {});
    const reloaded = await offline.receive(history.ops, undefined, undefined, history.trusted);
    expect(reloaded.rejected).toEqual([]);
    expect(offline.isValidOp(idKey(revoke.id))).toBe(true);
    expect(offline.governance().revokedKeys).toEqual(online.governance().revokedKeys);
    expect(offline.heads()).toEqual(online.heads());
    expect(registry.calls()).toBe(1);
  });

  test('seals merge as they pile up: O(log n) of them, vouching for every op', async () => {
    const { g, ops } = await chainOf(5, 'many', 40);
    const store = memoryStore();
    const context = toHex(g.id);
    const replica = createReplica(g.id, recordingSink());
    const taken = await replica.receive(ops);
    const p = createPersistence({ contextId: context, store, state: createContextState(), snapshotEveryDeltas: 200, sealer: sealerFor(store) });
    for (const c of taken.accepted) await p.persist([c]);
    const seals = await store.seals(context);
    expect(seals.length).toBeLessThanOrEqual(Math.ceil(Math.log2(ops.length)) + 1);
    const history = await p.storedHistory();
    expect(ops.every((o) => history.trusted(o))).toBe(true);
  });

  test('each persisted batch is one store write, ops and seal together: never an op sealed but not stored', async () => {
    const { g, ops } = await chainOf(7, 'one write', 6);
    const store = memoryStore();
    const context = toHex(g.id);
    const taken = (await createReplica(g.id, recordingSink()).receive(ops)).accepted;
    const writes: string[] = [];
    const counted = {
      ...store,
      putOps: (...a: Parameters<typeof store.putOps>) => (writes.push('putOps'), store.putOps(...a)),
      replaceSeals: (...a: Parameters<typeof store.replaceSeals>) => (writes.push('replaceSeals'), store.replaceSeals(...a)),
      putSealedOps: (...a: Parameters<typeof store.putSealedOps>) => (writes.push('putSealedOps'), store.putSealedOps(...a)),
    };
    const p = createPersistence({ contextId: context, store: counted, state: createContextState(), snapshotEveryDeltas: 200, sealer: sealerFor(store) });
    for (const c of taken) await p.persist([c]);
    expect(writes).toEqual(taken.map(() => 'putSealedOps'));
    expect(await store.ops(context)).toHaveLength(ops.length);
    const history = await p.storedHistory();
    expect(ops.every((o) => history.trusted(o))).toBe(true);
  });

  test('while ops keep coming a snapshot is taken at most once per gap; the next batch after it takes one', async () => {
    const { g, ops } = await chainOf(6, 'burst', 30);
    const store = memoryStore();
    const context = toHex(g.id);
    const taken = (await createReplica(g.id, recordingSink()).receive(ops)).accepted;
    let now = 0;
    let saved = 0;
    const counted = { ...store, putSnapshot: (...a: Parameters<typeof store.putSnapshot>) => (saved++, store.putSnapshot(...a)) };
    const p = createPersistence({ contextId: context, store: counted, state: createContextState(), snapshotEveryDeltas: 5, snapshotGap: { ms: 1000, now: () => now }, sealer: sealerFor(store) });
    // A burst: 30 deltas in batches of 5 within one gap: one snapshot, not six.
    for (let i = 1; i < taken.length; i += 5) await p.persist(taken.slice(i, i + 5));
    expect(saved).toBe(1);
    now += 1000;
    await p.persist([taken[0]!]);
    expect(saved).toBe(2);
  });
});
