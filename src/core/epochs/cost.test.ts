// The cost of epoch state per governance op (finding C5): every governance op makes the
// evaluator rebuild governance states, applying (and judging) every earlier governance op
// again. Key ops must not redo work proportional to their boxes there: a rotation's recipient
// set is built once per op and shared, a grant links onto it without copying.
import { describe, expect, test } from 'vitest';
import { op, person, T0 } from '../context/testkit.ts';
import { toHex } from '../crypto/index.ts';
import { OP_LIMITS, idKey, type EpochRecipient, type Op } from '../ops/op.ts';
import { grantBody } from './boxes.ts';
import { recipientKeys } from './recipients.ts';
import { boxedJoinBody, encryptedGenesis, epochPeer, testBoxKey, testBytes } from './testkit.ts';

const NOW = T0 + 5000;

/** Counts reads of an op's boxes list (its elements, length, iteration): what re-applying it costs. */
function counted(o: Op): { reads: () => number } {
  const body = o.body;
  if (body.kind !== 'rotate-epoch' && body.kind !== 'grant-epoch') throw new Error('not a key op');
  let reads = 0;
  body.boxes = new Proxy(body.boxes, {
    get(target, prop, receiver) {
      reads++;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { reads: () => reads };
}

describe('epoch state cost per governance op', () => {
  test("after a rotation and a 2,000-box junk rotation, 50 more governance ops never read their boxes again; a grant shares the rotation's set", async () => {
    const [a, b] = await Promise.all([person('A', 1), person('B', 2)]);
    const boxA = await testBoxKey();
    const boxB = await testBoxKey();
    const g = await encryptedGenesis(a, boxA, testBytes(1));
    const A = await epochPeer(a, g.id, boxA);
    await A.receive([g]);
    await A.receive([await op(b.device, g.id, [g], boxedJoinBody(b.device, await A.invite({ nonce: 1 }), boxB))]);

    const rotation = await A.rotate();
    // The same rotation op object, re-received by a fresh replica with its boxes counted.
    const fresh = await epochPeer(a, g.id, boxA);
    const valid = counted(rotation);
    const box: EpochRecipient['box'] = { enc: new Uint8Array(32).fill(1), sealed: new Uint8Array(48).fill(2) };
    const junkBoxes = Array.from({ length: OP_LIMITS.boxes }, (_, i) => ({ to: testBytes(10_000 + i), box }));
    const junk = await op(a.device, g.id, [rotation], { kind: 'rotate-epoch', epoch: 2, keyCommit: testBytes(4), boxes: junkBoxes, previous: { nonce: testBytes(3, 24), sealed: new Uint8Array(40) } }, NOW);
    const junkReads = counted(junk);
    await fresh.receive([...A.replica.dag.all()].map((c) => c.op).concat(junk));
    expect(fresh.replica.verdict(idKey(rotation.id))).toEqual({ valid: true });
    expect(fresh.replica.verdict(idKey(junk.id))).toMatchObject({ valid: false, reason: 'wrong-recipients' });
    fresh.replica.learnKeys([{ keyOp: idKey(rotation.id), key: A.replica.ring.get(idKey(rotation.id))! }]);

    const [validBefore, junkBefore] = [valid.reads(), junkReads.reads()];
    expect(junkBefore).toBeGreaterThanOrEqual(OP_LIMITS.boxes);
    for (let i = 0; i < 50; i++) await fresh.publish({ kind: 'set-role', member: b.rootId, role: i % 2 ? 'writer' : 'admin' });
    expect(fresh.replica.governance().members.get(b.rootId)?.role).toBe('writer');
    expect(valid.reads()).toBe(validBefore);
    expect(junkReads.reads()).toBe(junkBefore);

    // A grant links onto the rotation's own set: nothing is copied, in any state.
    const s = fresh.replica.governance();
    expect(s.epochKeys.get(idKey(rotation.id))!.reached.to).toBe(recipientKeys(rotation.body.kind === 'rotate-epoch' ? rotation.body.boxes : []).keys);
    const grant = await fresh.publish(await grantBody(g.id, idKey(rotation.id), A.replica.ring.get(idKey(rotation.id))!, [toHex(boxB.publicKey)]));
    expect(fresh.replica.verdict(idKey(grant.id))).toEqual({ valid: true });
    const after = fresh.replica.governance().epochKeys.get(idKey(rotation.id))!.reached;
    expect(after.earlier?.to).toBe(s.epochKeys.get(idKey(rotation.id))!.reached.to);
  });
});
