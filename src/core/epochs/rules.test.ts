// The epoch rules (docs/decisions/epoch-keys.md, "Rules"): judged from the DAG alone, by relays too.
import { describe, expect, test } from 'vitest';
import { createReplica } from '../context/replica.ts';
import { deltaBody, genesis, invite, op, person, recordingSink } from '../context/testkit.ts';
import { fromHex, toHex } from '../crypto/index.ts';
import { GENESIS_CONTEXT, idKey, signOp, type Op } from '../ops/op.ts';
import { grantBody, rotationBody } from './boxes.ts';
import { boxedJoinBody, encryptedGenesis, epochPeer, testBoxKey, testBytes } from './testkit.ts';

async function encrypted() {
  const [a, b] = await Promise.all([person('A', 1), person('B', 2)]);
  const [boxA, boxB] = [await testBoxKey(), await testBoxKey()];
  const g = await encryptedGenesis(a, boxA, testBytes(1));
  const A = await epochPeer(a, g.id, boxA);
  await A.receive([g]);
  const joinB = await op(b.device, g.id, [g], boxedJoinBody(b.device, await A.invite({ nonce: 1 }), boxB));
  expect((await A.receive([joinB])).rejected).toEqual([]);
  return { a, b, g, A, joinB, boxA, boxB, entitled: [boxA, boxB].map((k) => toHex(k.publicKey)) };
}

const verdict = (replica: ReturnType<typeof createReplica>, o: Op) => replica.verdict(idKey(o.id));

describe('epoch rules', () => {
  test('in an encrypted context a clear delta is refused (must-encrypt); a plaintext context takes it and refuses sealed ones', async () => {
    const { A } = await encrypted();
    const clear = await A.publish(deltaBody('in clear'));
    expect(verdict(A.replica, clear)).toMatchObject({ valid: false, reason: 'must-encrypt' });

    const a = await person('A', 1);
    const g = await genesis(a);
    const replica = createReplica(g.id, recordingSink());
    const plain = await op(a.device, g.id, [g], deltaBody('fine'));
    const sealed = await op(a.device, g.id, [g], { kind: 'sealed-delta', keyOp: g.id, nonce: new Uint8Array(24), sealed: new Uint8Array(40) });
    const rotation = await op(a.device, g.id, [g], await rotationBody(g.id, 1, testBytes(2), testBytes(3, 24), [], []));
    await replica.receive([g, plain, sealed, rotation]);
    expect(verdict(replica, plain)).toEqual({ valid: true });
    expect(verdict(replica, sealed)).toMatchObject({ valid: false, reason: 'wrong-epoch' });
    expect(verdict(replica, rotation)).toMatchObject({ valid: false, reason: 'wrong-epoch' });
  });

  test('a sealed delta must use the epoch key of its parents (wrong-epoch), however it decrypts', async () => {
    const { A, g } = await encrypted();
    const rotation = await A.rotate();
    const underOld = await op(A.who.device, g.id, [rotation], { kind: 'sealed-delta', keyOp: g.id, nonce: new Uint8Array(24), sealed: new Uint8Array(40) });
    await A.receive([underOld]);
    expect(verdict(A.replica, underOld)).toMatchObject({ valid: false, reason: 'wrong-epoch' });
    const good = await A.write('fine');
    expect(verdict(A.replica, good)).toEqual({ valid: true });
    expect(good.body.kind === 'sealed-delta' && idKey(good.body.keyOp)).toBe(idKey(rotation.id));
  });

  test('a rotation makes exactly the next epoch; a grant names a key op of its past', async () => {
    const { A, g, entitled, boxB } = await encrypted();
    const skip = await A.publish(await rotationBody(g.id, 2, testBytes(2), testBytes(3, 24), entitled, []));
    expect(verdict(A.replica, skip)).toMatchObject({ valid: false, reason: 'wrong-epoch' });
    const next = await A.publish(await rotationBody(g.id, 1, testBytes(4), testBytes(5, 24), entitled, []));
    expect(verdict(A.replica, next)).toEqual({ valid: true });
    const stranger = await A.publish(await grantBody(g.id, toHex(testBytes(6)), testBytes(7), [toHex(boxB.publicKey)]));
    expect(verdict(A.replica, stranger)).toMatchObject({ valid: false, reason: 'unknown-epoch' });
    const old = await A.publish(await grantBody(g.id, idKey(g.id), testBytes(1), [toHex(boxB.publicKey)]));
    expect(verdict(A.replica, old)).toEqual({ valid: true });
  });

  test('a rotation by a member removed concurrently is invalid, like its other ops', async () => {
    const { A, b, g, joinB, entitled } = await encrypted();
    const removal = await A.publish({ kind: 'remove', member: b.rootId });
    const byB = await op(b.device, g.id, [joinB], await rotationBody(g.id, 1, testBytes(8), testBytes(9, 24), entitled, []));
    await A.receive([byB]);
    expect(verdict(A.replica, byB)).toMatchObject({ valid: false, reason: 'removed-concurrently' });
    expect(A.replica.epochKeyAt([removal.id, byB.id])?.op).toBe(idKey(g.id));
  });

  test('a genesis sealing a key to no box key, and a grant to an invite with more than one box, are malformed', async () => {
    const { A, g } = await encrypted();
    const boxKeys = [(await testBoxKey()).publicKey, (await testBoxKey()).publicKey].map(toHex);
    const inv = await invite(A.who.device, g.id, { nonce: 13, boxKey: fromHex(boxKeys[0]!) });
    const grant = await grantBody(g.id, idKey(g.id), testBytes(1), boxKeys, inv);
    const r = await A.replica.receive([await op(A.who.device, g.id, A.replica.parents(), grant)]);
    expect(r.rejected.map((x) => x.reason)).toEqual(['malformed']);
    const noBox = await signOp(A.who.device.signer, { context: GENESIS_CONTEXT, parents: [], time: g.time, body: { ...(g.body as Extract<Op['body'], { kind: 'genesis' }>), boxKey: undefined } });
    const replica = createReplica(noBox.id, recordingSink());
    expect((await replica.receive([noBox])).rejected).toMatchObject([{ reason: 'malformed', message: expect.stringMatching(/box key/) }]);
  });
});
