// The node's key intake (review C3, N4): stored keys and opened boxes are held only when they
// match their key op's commitment, boxes are opened only from valid ops, once per op and box key.
import { describe, expect, test } from 'vitest';
import { createReplica } from '../../../core/context/replica.ts';
import { op, person, recordingSink, T0 } from '../../../core/context/testkit.ts';
import { toHex, type BoxKeyPair } from '../../../core/crypto/index.ts';
import { grantBody } from '../../../core/epochs/boxes.ts';
import { boxedJoinBody, encryptedGenesis, epochPeer, testBoxKey, testBytes } from '../../../core/epochs/testkit.ts';
import { idKey } from '../../../core/ops/op.ts';
import { memoryStore } from '../../../core/store/index.ts';
import { createEpochKeys } from './epochKeys.ts';

/** A box key pair that counts how often its private half is used (one use per HPKE open). */
function counted(box: BoxKeyPair): { box: BoxKeyPair; opens: () => number } {
  let opens = 0;
  return {
    box: {
      publicKey: box.publicKey,
      get privateKey() {
        opens++;
        return box.privateKey;
      },
    },
    opens: () => opens,
  };
}

/** A node's epoch keys over a fresh replica: the store and vault are plain (wrapping is the identity). */
function node(contextId: Uint8Array, box: BoxKeyPair, store = memoryStore()) {
  const replica = createReplica(contextId, recordingSink());
  const keys = createEpochKeys({
    contextId,
    contextKey: idKey(contextId),
    replica,
    store,
    wrap: async (_c, _k, raw) => raw.slice(),
    unwrap: async (_c, _k, wrapped) => wrapped.slice(),
    deviceBox: async () => box,
    inviteBox: async () => undefined,
    me: { root: 'not-a-member' as never, key: 'not-a-member' },
    publish: () => Promise.reject(new Error('this node publishes nothing here')),
    scheduler: { now: () => 0, schedule: () => () => undefined },
    now: () => T0 + 5000,
    randomBytes: (n) => testBytes(77, n),
    isClosed: () => false,
    onChange: () => undefined,
  });
  return { replica, keys, store };
}

/** Owner A's context, a relay R, and a joiner D whose device is to get the key. */
async function context() {
  const [a, r, d] = await Promise.all([person('A', 1), person('R', 9), person('D', 4)]);
  const [boxA, boxD] = [await testBoxKey(), await testBoxKey()];
  const g = await encryptedGenesis(a, boxA, testBytes(1));
  const A = await epochPeer(a, g.id, boxA);
  await A.receive([g]);
  const joinR = await op(r.device, g.id, A.replica.parents(), boxedJoinBody(r.device, await A.invite({ nonce: 5, role: 'relay' }), undefined));
  await A.receive([joinR]);
  const joinD = await op(d.device, g.id, A.replica.parents(), boxedJoinBody(d.device, await A.invite({ nonce: 6 }), boxD));
  await A.receive([joinD]);
  return { a, r, d, g, A, boxD, log: [g, joinR, joinD] };
}

describe('epoch key intake in the node', () => {
  test('a wrong key in the store is not held; the right one from the history replaces it there', async () => {
    const { g, A } = await context();
    const keyOp = idKey(g.id);
    // A's own device, restored with a damaged store: epoch 0 is stored wrong.
    const store = memoryStore();
    await store.putEpochKeys(keyOp, [{ keyOp, epoch: 0, wrapped: testBytes(666) }]);
    const mine = node(g.id, A.box!, store);
    await mine.keys.load();
    const loaded = await mine.replica.receive([g]);
    expect(mine.replica.ring.has(keyOp)).toBe(false);
    await mine.keys.observe(loaded);
    expect(mine.replica.ring.get(keyOp)).toEqual(testBytes(1));
    expect((await store.epochKeys(keyOp)).map((r) => r.wrapped)).toEqual([testBytes(1)]);
  });

  test('a right key in the store is held once its key op loads, and not written again', async () => {
    const { g, A } = await context();
    const keyOp = idKey(g.id);
    const store = memoryStore();
    await store.putEpochKeys(keyOp, [{ keyOp, epoch: 0, wrapped: testBytes(1) }]);
    let writes = 0;
    const counting = { epochKeys: store.epochKeys, putEpochKeys: async (...args: Parameters<typeof store.putEpochKeys>) => (writes++, store.putEpochKeys(...args)) };
    const mine = node(g.id, A.box!, counting as typeof store);
    await mine.keys.load();
    expect(mine.replica.ring.has(keyOp)).toBe(false);
    const loaded = await mine.replica.receive([g]);
    expect(mine.replica.ring.get(keyOp)).toEqual(testBytes(1));
    await mine.keys.observe(loaded);
    expect(writes).toBe(0);
  });

  test('a refused grant’s box is never opened; a valid one’s box to this device is opened once, however many boxes repeat it', async () => {
    const { r, g, A, boxD, log } = await context();
    const current = idKey(g.id);
    const key = A.replica.ring.get(current)!;
    const D = counted(boxD);
    const mine = node(g.id, D.box);
    await mine.keys.observe(await mine.replica.receive(log));
    const opensBefore = D.opens();
    // A relay may not grant: its grant is refused, and even the right key in it is not taken.
    const refused = await op(r.device, g.id, A.replica.parents(), await grantBody(g.id, current, key, [toHex(boxD.publicKey)]));
    const result = await mine.replica.receive([refused]);
    expect(mine.replica.verdict(idKey(refused.id))?.valid).toBe(false);
    await mine.keys.observe(result);
    expect(D.opens()).toBe(opensBefore);
    expect(mine.replica.ring.has(current)).toBe(false);
    // A member's grant repeating this device's box key is malformed since the key op rules
    // (one box per box key): refused, and none of its 50 boxes is opened.
    const grant = await grantBody(g.id, current, key, [toHex(boxD.publicKey)]);
    if (grant.kind !== 'grant-epoch') throw new Error('unreachable');
    const repeated = await A.publish({ ...grant, boxes: Array.from({ length: 50 }, () => grant.boxes[0]!) });
    const takenRepeated = await mine.replica.receive([repeated]);
    expect(takenRepeated.rejected.map((r) => r.reason)).toEqual(['malformed']);
    expect(mine.replica.dag.has(idKey(repeated.id))).toBe(false);
    await mine.keys.observe(takenRepeated);
    expect(D.opens()).toBe(opensBefore);
    // A valid grant observed twice: its box is opened once.
    const once = await op(A.who.device, g.id, A.replica.parents(), grant);
    const taken = await mine.replica.receive([once]);
    expect(mine.replica.verdict(idKey(once.id))).toEqual({ valid: true });
    await mine.keys.observe(taken);
    await mine.keys.observe(taken);
    expect(D.opens()).toBe(opensBefore + 1);
    expect(mine.replica.ring.get(current)).toEqual(key);
  });
});
