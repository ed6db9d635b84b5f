// Review finding C3 (key poisoning): every key is checked against the commitment its key op
// carries, and only valid ops feed keys (docs/decisions/epoch-keys.md).
import { describe, expect, test } from 'vitest';
import { fromHex, toHex } from '../crypto/index.ts';
import { op, person } from '../context/testkit.ts';
import { checkIntrinsic } from '../governance/checkedOp.ts';
import { GENESIS_CONTEXT, idKey, signOp, type Op } from '../ops/op.ts';
import { grantBody, rotationBody } from './boxes.ts';
import { boxedJoinBody, encryptedGenesis, epochPeer, testBoxKey, testBytes, ownerAndWriter } from './testkit.ts';

const world = ownerAndWriter;

/** Relay R joins, then D (A takes both): R can sign ops but holds no key. */
async function relayAndJoiner(w: Awaited<ReturnType<typeof world>>) {
  const r = await person('R', 9);
  const joinR = await op(r.device, w.ctx, w.A.replica.parents(), boxedJoinBody(r.device, await w.A.invite({ nonce: 5, role: 'relay' }), undefined));
  await w.A.receive([joinR]);
  const d = await person('D', 4);
  const boxD = await testBoxKey();
  const joinD = await op(d.device, w.ctx, [joinR], boxedJoinBody(d.device, await w.A.invite({ nonce: 6 }), boxD));
  await w.A.receive([joinD]);
  return { r, d, boxD, joinR, joinD, current: w.A.replica.governance().epochKey!.op };
}

/** D joins; writer C grants D's device a wrong key for the current epoch, and A takes the grant. */
async function poisonedJoiner(w: Awaited<ReturnType<typeof world>>) {
  const d = await person('D', 4);
  const boxD = await testBoxKey();
  const joinD = await op(d.device, w.ctx, w.A.replica.parents(), boxedJoinBody(d.device, await w.A.invite({ nonce: 3 }), boxD));
  await w.A.receive([joinD]);
  await w.C.receive([joinD]);
  const current = w.C.replica.governance().epochKey!.op;
  const poison = await w.C.publish(await grantBody(w.ctx, current, testBytes(999), [toHex(boxD.publicKey)]));
  await w.A.receive([poison]);
  return { d, boxD, joinD, current, poison };
}

describe('key poisoning (review C3)', () => {
  test('a member’s grant of a wrong key to a new device does not stick: the device takes the right key from the real grant', async () => {
    const w = await world();
    const { d, boxD, joinD, current, poison } = await poisonedJoiner(w);
    const D = await epochPeer(d, w.ctx, boxD);
    await D.receive([...w.log, joinD, poison]);
    expect(D.replica.verdict(idKey(poison.id))).toEqual({ valid: true });
    expect(D.replica.ring.has(current)).toBe(false);
    await expect(D.write('too-early')).rejects.toThrow(/does not hold/);
    // The wrong grant counts D as a holder, so no repair would post a grant: one is posted directly.
    const real = await w.A.publish(await grantBody(w.ctx, current, w.A.replica.ring.get(current)!, [toHex(boxD.publicKey)]));
    await D.receive([real]);
    expect(D.replica.ring.get(current)).toEqual(w.A.replica.ring.get(current));
    const written = await D.write('from-D');
    await w.A.receive([written]);
    expect(w.A.texts().has('from-D')).toBe(true);
    expect(w.A.replica.unreadableOps()).toEqual([]);
  });

  test('a relay’s refused grant with a garbage box, arriving before the real grant, leaves the joiner the right key', async () => {
    const w = await world();
    const { r, d, boxD, joinR, joinD, current } = await relayAndJoiner(w);
    const poison = await op(r.device, w.ctx, [joinD], await grantBody(w.ctx, current, testBytes(999), [toHex(boxD.publicKey)]));
    const real = (await w.A.repair())!;
    const D = await epochPeer(d, w.ctx, boxD);
    await D.receive([...w.log, joinR, joinD, poison]);
    expect(D.replica.verdict(idKey(poison.id))?.valid).toBe(false);
    await D.receive([real]);
    expect(D.replica.ring.get(current)).toEqual(w.A.replica.ring.get(current));
  });

  test('a refused grant’s box is never opened, even when it holds the right key', async () => {
    const w = await world();
    const { r, d, boxD, joinR, joinD, current } = await relayAndJoiner(w);
    const refused = await op(r.device, w.ctx, [joinD], await grantBody(w.ctx, current, w.A.replica.ring.get(current)!, [toHex(boxD.publicKey)]));
    const D = await epochPeer(d, w.ctx, boxD);
    await D.receive([...w.log, joinR, joinD, refused]);
    expect(D.replica.verdict(idKey(refused.id))?.valid).toBe(false);
    expect(D.replica.ring.has(current)).toBe(false);
  });

  test('a rotation whose previous carries a wrong key for an older op does not poison a device that reads it later', async () => {
    const w = await world();
    const s = w.C.replica.governance();
    const newKey = testBytes(4242);
    const wrong = [{ keyOp: fromHex(s.epochKey!.op), key: testBytes(31337) }];
    const evil = await w.C.publish(await rotationBody(w.ctx, s.epochKey!.epoch + 1, newKey, testBytes(6, 24), [w.A.boxKey!, w.C.boxKey!], wrong));
    await w.A.receive([evil]);
    expect(w.A.replica.ring.get(idKey(w.g.id))).toEqual(testBytes(1));
    const next = await w.A.rotate();
    // A fresh device of A's, restoring from the history, is handed only the newest key.
    const fresh = await epochPeer(w.a, w.ctx, undefined);
    await fresh.receive([...w.log, evil, next]);
    fresh.replica.learnKeys([{ keyOp: idKey(next.id), key: w.A.replica.ring.get(idKey(next.id))! }]);
    // A's rotation re-carried epoch 0's key: the evil chain did not reach it with the right key.
    expect(fresh.replica.ring.get(idKey(w.g.id))).toEqual(testBytes(1));
    expect(fresh.replica.ring.refused()).toBe(1);
  });

  test('deltas sealed under a key first offered wrong become readable once the right key arrives (not stuck unreadable)', async () => {
    const w = await world();
    const { d, boxD, joinD, current, poison } = await poisonedJoiner(w);
    const secret = await w.A.write('written-before-D-holds-the-key');
    const D = await epochPeer(d, w.ctx, boxD);
    await D.receive([...w.log, joinD, poison, secret]);
    expect(D.replica.unreadableOps()).toEqual([]);
    expect(D.replica.sealedCount()).toBe(1);
    const real = await w.A.publish(await grantBody(w.ctx, current, w.A.replica.ring.get(current)!, [toHex(boxD.publicKey)]));
    await D.receive([real]);
    expect(D.texts().has('written-before-D-holds-the-key')).toBe(true);
    expect(D.replica.sealedCount()).toBe(0);
  });

  test('a genesis with epoch 0’s box must carry the commitment to its key, and one without a box none', async () => {
    const a = await person('A', 1);
    const box = await testBoxKey();
    const g = await encryptedGenesis(a, box, testBytes(1));
    const strip = async (drop: 'keyCommit' | 'epochBox') => {
      const body = { ...(g.body as Extract<Op['body'], { kind: 'genesis' }>) };
      delete body[drop];
      return signOp(a.device.signer, { context: GENESIS_CONTEXT, parents: [], time: g.time, body });
    };
    for (const drop of ['keyCommit', 'epochBox'] as const) {
      const bad = await strip(drop);
      expect(await checkIntrinsic(bad, bad.id)).toMatchObject({ ok: false, reason: 'malformed' });
    }
    expect(await checkIntrinsic(g, g.id)).toMatchObject({ ok: true });
  });
});
