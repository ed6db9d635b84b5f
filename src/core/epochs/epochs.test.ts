// Acceptance of issue 14 (docs/decisions/epoch-keys.md): what a removed or revoked device can
// read after its removal, concurrent rotations, members offline across rotations.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AeadError, openBody, toHex, type BoxKeyPair } from '../crypto/index.ts';
import { newDevice, op, person, revokeKeyBody, shuffle, type Person } from '../context/testkit.ts';
import { deltaAad } from './seal.ts';
import { planRepair } from './repair.ts';
import { encodeOp, idKey, type Op } from '../ops/op.ts';
import { boxedJoinBody, containsBytes, encryptedGenesis, epochPeer, testBoxKey, testBytes, type Peer } from './testkit.ts';

/** An encrypted context: owner A, writers B and C, each device with a box key, all holding epoch 0. */
async function world() {
  const [a, b, c] = await Promise.all([person('A', 1), person('B', 2), person('C', 3)]);
  const [boxA, boxB, boxC] = [await testBoxKey(), await testBoxKey(), await testBoxKey()];
  const g = await encryptedGenesis(a, boxA, testBytes(1));
  const ctx = g.id;
  const log: Op[] = [g];
  const A = await epochPeer(a, ctx, boxA);
  await A.receive([g]);
  const joinB = await op(b.device, ctx, [g], boxedJoinBody(b.device, await A.invite({ nonce: 1 }), boxB));
  const joinC = await op(c.device, ctx, [joinB], boxedJoinBody(c.device, await A.invite({ nonce: 2 }), boxC));
  log.push(joinB, joinC);
  await A.receive([joinB, joinC]);
  // The owner's repair grants epoch 0 to the two new devices.
  const grant = await A.repair();
  expect(grant?.body.kind).toBe('grant-epoch');
  log.push(grant!);
  const B = await epochPeer(b, ctx, boxB);
  const C = await epochPeer(c, ctx, boxC);
  const w = {
    a, b, c, ctx, g, log, A, B, C,
    /** Post through a peer and record the op in the shared log. */
    async post(p: Peer, made: Promise<Op | undefined>): Promise<Op> {
      const o = await made;
      if (!o) throw new Error(`${p.who.name} had nothing to post`);
      log.push(o);
      return o;
    },
    /** Every peer gets every op so far. */
    async sync(...peers: Peer[]) {
      for (const p of peers) await p.receive([...log]);
    },
  };
  await w.sync(A, B, C);
  for (const p of [A, B, C]) expect(p.replica.ring.has(idKey(g.id))).toBe(true);
  return w;
}

const text = new TextEncoder();


/**
 * What a removed device's node can read, judged on bytes: no known plaintext in its state or in
 * anything it opens, and every sealed delta after the removal fails to open under every key it holds.
 */
function assertReadsNone(p: Peer, after: Op[], secrets: string[]) {
  for (const s of secrets) expect(p.texts().has(s)).toBe(false);
  const keys = p.replica.ring.entries();
  for (const o of after) {
    if (o.body.kind !== 'sealed-delta') continue;
    for (const s of secrets) expect(containsBytes(encodeOp(o), text.encode(s))).toBe(false);
    for (const [, key] of keys) {
      const sealed = o.body;
      expect(() => openBody(key, sealed.nonce, sealed.sealed, deltaAad(p.replica.contextId, sealed.keyOp))).toThrow(AeadError);
    }
    const body = p.replica.deltaBody(p.replica.dag.get(idKey(o.id))!);
    expect(body).toBeUndefined();
  }
  for (const [, key] of keys) for (const s of secrets) expect(containsBytes(key, text.encode(s))).toBe(false);
}

describe('epoch keys: confidentiality after removal (issue 14)', () => {
  test('rotation on removal: the removed member, given every later op, decrypts none of it', async () => {
    const w = await world();
    const { A, B, C } = w;
    await w.post(B, B.write('before-removal'));
    await w.sync(A, B, C);
    expect(C.texts().has('before-removal')).toBe(true);

    const removal = await w.post(A, A.publish({ kind: 'remove', member: w.c.rootId }));
    const plan = planRepair(A.replica.governance(), Date.now());
    expect(plan).toMatchObject({ kind: 'rotate', stale: [C.boxKey] });
    expect(plan.kind === 'rotate' && plan.recipients).toEqual([A.boxKey, B.boxKey].sort());
    const rotation = await w.post(A, A.repair());
    expect(rotation.body.kind).toBe('rotate-epoch');
    await w.sync(B);
    const after = [await w.post(B, B.write('secret-from-B')), await w.post(A, A.write('secret-from-A'))];
    // C's node, still running, is handed every op (by a relay, or a careless member).
    await w.sync(A, B, C);

    expect([...A.texts()].sort()).toEqual(['before-removal', 'secret-from-A', 'secret-from-B']);
    expect(B.texts()).toEqual(A.texts());
    expect(C.texts()).toEqual(new Set(['before-removal']));
    expect(C.replica.sealedCount()).toBe(2);
    expect(C.replica.ring.has(idKey(rotation.id))).toBe(false);
    assertReadsNone(C, after, ['secret-from-A', 'secret-from-B']);
    // Verdicts do not depend on keys: C (and a relay) judge every op as A does.
    for (const o of [...w.log, removal]) expect(C.replica.verdict(idKey(o.id))).toEqual(A.replica.verdict(idKey(o.id)));
    // Nothing is left to repair.
    expect(planRepair(A.replica.governance(), Date.now())).toEqual({ kind: 'none' });
  });

  test('rotation on revocation of a device key; none when another live key carries the same box key', async () => {
    const w = await world();
    const { A, B } = w;
    // B adds a laptop with its own box key: the repair grants it the current key.
    const laptop = await newDevice(w.b.root, 'laptop');
    const laptopBox = await testBoxKey();
    await w.post(B, op(laptop, w.ctx, B.replica.parents(), { kind: 'add-device', delegation: laptop.delegation, boxKey: laptopBox.publicKey }));
    await w.sync(A, B);
    const grant = await w.post(A, A.repair());
    expect(grant.body.kind === 'grant-epoch' && grant.body.boxes.map((x) => toHex(x.to))).toEqual([toHex(laptopBox.publicKey)]);
    const L = await epochPeer({ ...w.b, device: laptop } as Person, w.ctx, laptopBox);
    await w.sync(A, B, L);
    expect(L.replica.ring.has(idKey(w.g.id))).toBe(true);

    // A device key rotation keeps the box key: revoking the old key leaves nobody to rotate away from.
    const phone2 = await newDevice(w.b.root, 'phone, rotated');
    await w.post(B, op(phone2, w.ctx, B.replica.parents(), { kind: 'add-device', delegation: phone2.delegation, boxKey: B.box!.publicKey }));
    await w.sync(B);
    await w.post(B, B.publish(await revokeKeyBody(w.b.root, w.b.device)));
    await w.sync(A);
    expect(planRepair(A.replica.governance(), Date.now()).kind).toBe('none');

    // Revoking the laptop's key: its box key must not hold what comes next.
    await w.post(A, A.publish(await revokeKeyBody(w.b.root, laptop)));
    expect(planRepair(A.replica.governance(), Date.now())).toMatchObject({ kind: 'rotate', stale: [toHex(laptopBox.publicKey)] });
    await w.post(A, A.repair());
    const after = [await w.post(A, A.write('after-laptop-lost'))];
    await w.sync(A, L);
    expect(A.texts().has('after-laptop-lost')).toBe(true);
    assertReadsNone(L, after, ['after-laptop-lost']);
  });

  test('a member offline across two rotations recovers both keys and all state', async () => {
    const w = await world();
    const { A, B, C } = w;
    const [d] = await Promise.all([person('D', 4)]);
    const boxD = await testBoxKey();
    const joinD = await op(d.device, w.ctx, A.replica.parents(), boxedJoinBody(d.device, await A.invite({ nonce: 3 }), boxD));
    w.log.push(joinD);
    await w.sync(A, B);
    await w.post(A, A.repair());
    await w.sync(A, B);
    // C goes offline. D is removed (rotation 1), then A rotates again (rotation 2), writes in each.
    await w.post(A, A.publish({ kind: 'remove', member: d.rootId }));
    const r1 = await w.post(A, A.repair());
    await w.post(A, A.write('epoch-1'));
    await w.sync(B);
    await w.post(B, B.write('epoch-1-by-B'));
    await w.sync(A);
    const r2 = await w.post(A, A.rotate());
    await w.post(A, A.write('epoch-2'));
    expect([r1.body.kind, r2.body.kind]).toEqual(['rotate-epoch', 'rotate-epoch']);

    await w.sync(C);
    expect(C.replica.ring.has(idKey(r1.id)) && C.replica.ring.has(idKey(r2.id))).toBe(true);
    expect([...C.texts()].sort()).toEqual(['epoch-1', 'epoch-1-by-B', 'epoch-2']);
    expect(C.replica.sealedCount()).toBe(0);
  });

  test('a device granted only the newest key reads the whole history through the previous chain', async () => {
    const w = await world();
    const { A } = w;
    await w.post(A, A.write('epoch-0'));
    await w.post(A, A.rotate());
    await w.post(A, A.write('epoch-1'));
    await w.post(A, A.rotate());
    await w.post(A, A.write('epoch-2'));
    const tablet = await newDevice(w.a.root, 'tablet');
    const tabletBox = await testBoxKey();
    await w.post(A, op(tablet, w.ctx, A.replica.parents(), { kind: 'add-device', delegation: tablet.delegation, boxKey: tabletBox.publicKey }));
    await w.sync(A);
    const grant = await w.post(A, A.repair());
    expect(grant.body.kind === 'grant-epoch' && toHex(grant.body.keyOp)).toBe(A.replica.governance().epochKey!.op);
    const T = await epochPeer({ ...w.a, device: tablet } as Person, w.ctx, tabletBox);
    await w.sync(T);
    expect([...T.texts()].sort()).toEqual(['epoch-0', 'epoch-1', 'epoch-2']);
    expect(T.replica.ring.entries().length).toBe(3);
  });

  test('concurrent rotations converge to one key on every member, whatever the delivery order', async () => {
    const w = await world();
    const { A, B } = w;
    // A and B rotate from the same heads without seeing each other, and each writes under its key.
    const rotA = await w.post(A, A.rotate());
    const rotB = await w.post(B, B.rotate());
    const byA = await w.post(A, A.write('under-A'));
    const byB = await w.post(B, B.write('under-B'));
    await w.sync(A, B);
    const merged = await w.post(A, A.write('after-both'));
    const winner = [rotA, rotB].map((o) => idKey(o.id)).sort()[1]!;
    expect(A.replica.verdict(idKey(merged.id))).toEqual({ valid: true });
    expect(A.replica.epochKeyAt([merged.id])?.op).toBe(winner);
    expect([byA, byB].every((o) => A.replica.verdict(idKey(o.id))?.valid)).toBe(true);

    const boxes = new Map<string, BoxKeyPair>([['A', A.box!], ['B', B.box!], ['C', w.C.box!]]);
    const members = [w.a, w.b, w.c];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 4 }), async (seed, parts) => {
        const order = shuffle(w.log, seed);
        const peers = await Promise.all(members.map((m) => epochPeer(m, w.ctx, boxes.get(m.name))));
        for (const p of peers) {
          const size = Math.ceil(order.length / parts);
          for (let i = 0; i < order.length; i += size) await p.receive(order.slice(i, i + size));
        }
        for (const p of peers) {
          expect(p.replica.governance().epochKey?.op).toBe(winner);
          expect(p.replica.ring.has(winner)).toBe(true);
          expect([...p.texts()].sort()).toEqual(['after-both', 'under-A', 'under-B']);
        }
      }),
      { numRuns: 12 },
    );
  });

  test('a node with no box key judges every op as members do and applies nothing', async () => {
    const w = await world();
    await w.post(w.A, w.A.write('x'));
    await w.post(w.A, w.A.rotate());
    await w.post(w.A, w.A.write('y'));
    const relayView = await epochPeer(w.c, w.ctx, undefined);
    await relayView.receive(shuffle(w.log, 7));
    await w.sync(w.A);
    for (const o of w.log) expect(relayView.replica.verdict(idKey(o.id))).toEqual(w.A.replica.verdict(idKey(o.id)));
    expect(relayView.texts().size).toBe(0);
    expect(relayView.replica.sealedCount()).toBe(2);
    expect(relayView.replica.heads()).toEqual(w.A.replica.heads());
  });
});
