// Review finding C4/N1: a rotation carries the key it replaces and the concurrent losers that
// key's own chain misses, at most OP_LIMITS.previousKeys, so rotating never stops encoding
// however long the history (docs/decisions/epoch-keys.md).
import { describe, expect, test } from 'vitest';
import { toHex } from '../crypto/index.ts';
import { op } from '../context/testkit.ts';
import { idKey, OP_LIMITS, type Op } from '../ops/op.ts';
import { keysToCarry, rotationBody } from './boxes.ts';
import { loadBodyCipher } from './seal.ts';
import { epochPeer, ownerAndWriter, testBytes } from './testkit.ts';

const world = ownerAndWriter;

describe('rotations past 64 keys (review C4/N1)', () => {
  test('70 rotations in a row all encode; a device holding only the newest key recovers every older one', async () => {
    const w = await world();
    const rotations: Op[] = [];
    for (let i = 0; i < 70; i++) {
      rotations.push(await w.A.rotate());
      if (i % 10 === 0) await w.A.write(`epoch-${i + 1}`);
    }
    for (const r of rotations) expect(w.A.replica.verdict(idKey(r.id))).toEqual({ valid: true });
    const log = [...w.A.replica.dag.all()].map((c) => c.op);
    const fresh = await epochPeer(w.a, w.ctx, undefined);
    await fresh.receive(log);
    const newest = idKey(rotations.at(-1)!.id);
    fresh.replica.learnKeys([{ keyOp: newest, key: w.A.replica.ring.get(newest)! }]);
    expect(fresh.replica.ring.entries().length).toBe(71);
    for (const [keyOp, key] of w.A.replica.ring.entries()) expect(fresh.replica.ring.get(keyOp)).toEqual(key);
    expect(fresh.texts()).toEqual(w.A.texts());
    expect(fresh.replica.sealedCount()).toBe(0);
  }, 60_000);

  test('a rotation after concurrent ones carries the losers its replaced key’s chain misses, and a reader of the newest key reads under all', async () => {
    const w = await world();
    const rotA = await w.A.rotate();
    const rotC = await w.C.rotate();
    const byA = await w.A.write('under-A');
    const byC = await w.C.write('under-C');
    await w.A.receive([rotC, byC]);
    const s = w.A.replica.governance();
    const winner = s.epochKey!.op;
    const loser = [idKey(rotA.id), idKey(rotC.id)].find((k) => k !== winner)!;
    expect(keysToCarry(w.A.replica.ring, winner, s.epochKeys).map((c) => toHex(c.keyOp))).toEqual([winner, loser]);
    const next = await w.A.rotate();
    // And once the chain carries the loser, the next rotation carries the replaced key alone.
    const after = w.A.replica.governance();
    expect(keysToCarry(w.A.replica.ring, idKey(next.id), after.epochKeys).map((c) => toHex(c.keyOp))).toEqual([idKey(next.id)]);
    const fresh = await epochPeer(w.a, w.ctx, undefined);
    await fresh.receive([...w.log, rotA, rotC, byA, byC, next]);
    fresh.replica.learnKeys([{ keyOp: idKey(next.id), key: w.A.replica.ring.get(idKey(next.id))! }]);
    expect([...fresh.texts()].sort()).toEqual(['under-A', 'under-C']);
  });

  test('concurrent losers past the bound: the replaced key first, then the newest losers, at most OP_LIMITS.previousKeys; the rotation encodes', async () => {
    const w = await world();
    const parents = w.A.replica.parents();
    await loadBodyCipher();
    const concurrent: Op[] = [];
    // Each sealed to exactly who is entitled (the rules refuse any other set).
    const entitled = [w.A.boxKey!, w.C.boxKey!].sort();
    for (let i = 0; i < OP_LIMITS.previousKeys + 6; i++) {
      concurrent.push(await op(w.a.device, w.ctx, parents, await rotationBody(w.ctx, 1, testBytes(20_000 + i), testBytes(21_000 + i, 24), entitled, [])));
    }
    await w.A.receive(concurrent);
    w.A.replica.learnKeys(concurrent.map((o, i) => ({ keyOp: idKey(o.id), key: testBytes(20_000 + i) })));
    const s = w.A.replica.governance();
    const carried = keysToCarry(w.A.replica.ring, s.epochKey!.op, s.epochKeys).map((c) => toHex(c.keyOp));
    expect(carried).toHaveLength(OP_LIMITS.previousKeys);
    expect(carried[0]).toBe(s.epochKey!.op);
    const losers = concurrent.map((o) => idKey(o.id)).filter((k) => k !== s.epochKey!.op).sort().reverse();
    expect(carried.slice(1)).toEqual(losers.slice(0, OP_LIMITS.previousKeys - 1));
    const next = await w.A.rotate();
    expect(w.A.replica.verdict(idKey(next.id))).toEqual({ valid: true });
  });
});
