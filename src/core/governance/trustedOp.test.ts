import { describe, expect, test } from 'vitest';
import { invite, op, person } from '../context/testkit.ts';
import { toHex } from '../crypto/index.ts';
import { grantBody } from '../epochs/boxes.ts';
import { boxedJoinBody, ownerAndWriter, testBoxKey } from '../epochs/testkit.ts';
import { encodeOp } from '../ops/op.ts';
import { checkIntrinsic } from './checkedOp.ts';
import { trustedCheckedOp } from './trustedOp.ts';

/**
 * A reopened node takes the ops it sealed as verified through trustedCheckedOp instead of
 * checkIntrinsic (docs/decisions/stored-verdicts.md): the rules must see the same CheckedOp,
 * or they judge a reloaded history differently from the live one.
 */
describe('trustedCheckedOp gives the rules what checkIntrinsic gave them', () => {
  test('for every kind of op in an encrypted context: genesis, invite grant, join, grants, rotation, sealed delta', async () => {
    const w = await ownerAndWriter();
    const { A } = w;
    // An invite granted the key as it is made (the grant carries the signed invite), then used.
    const box = await testBoxKey();
    const inv = await invite(w.a.device, w.ctx, { role: 'writer', nonce: 40, boxKey: box.publicKey });
    const ref = A.replica.governance().epochKey!;
    await A.publish(await grantBody(w.ctx, ref.op, A.replica.ring.get(ref.op)!, [toHex(box.publicKey)], inv));
    const d = await person('D', 41);
    await A.receive([await op(d.device, w.ctx, A.replica.parents(), boxedJoinBody(d.device, inv, await testBoxKey()))]);
    await A.repair();
    await A.rotate();
    await A.write('sealed');

    const ops = [...A.replica.dag.all()].map((c) => c.op);
    const kinds = new Set(ops.map((o) => o.body.kind));
    for (const k of ['genesis', 'grant-epoch', 'join', 'rotate-epoch', 'sealed-delta']) expect(kinds).toContain(k);
    expect(ops.some((o) => o.body.kind === 'grant-epoch' && o.body.invite)).toBe(true);
    for (const o of ops) {
      const bytes = encodeOp(o);
      const verified = await checkIntrinsic(o, w.ctx, {}, bytes);
      expect(verified.ok, o.body.kind).toBe(true);
      expect(trustedCheckedOp(o, bytes), o.body.kind).toEqual(verified.checked);
    }
  });
});
