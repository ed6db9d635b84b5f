// Who may post epoch key ops, and to whom (docs/decisions/epoch-keys.md, "Rules"): checked from
// headers and governance alone, so relays judge them as members do. Findings C1, C2, C6, N2,
// N4 and N10 of the review of the epoch-key work.
import { describe, expect, test } from 'vitest';
import { invite, newDevice, op, person, T0, type Device } from '../context/testkit.ts';
import { fromHex, toHex, type BoxKeyPair } from '../crypto/index.ts';
import { GENESIS_CONTEXT, idKey, signOp, type Op, type OpBody } from '../ops/op.ts';
import type { Invite } from '../invitation/invite.ts';
import { grantBody, rotationBody } from './boxes.ts';
import { entitledBoxKeys } from './entitled.ts';
import { planRepair } from './repair.ts';
import { boxedJoinBody, encryptedGenesis, epochPeer, testBoxKey, testBytes, type Peer } from './testkit.ts';

const NOW = T0 + 5000;
const hex = (b: BoxKeyPair) => toHex(b.publicKey);

/** Owner A, admin D, writer B, reader C, each device with a box key, all holding epoch 0. */
async function world() {
  const [a, b, c, d] = await Promise.all([person('A', 1), person('B', 2), person('C', 3), person('D', 4)]);
  const [boxA, boxB, boxC, boxD] = [await testBoxKey(), await testBoxKey(), await testBoxKey(), await testBoxKey()];
  const g = await encryptedGenesis(a, boxA, testBytes(1));
  const ctx = g.id;
  const A = await epochPeer(a, ctx, boxA);
  await A.receive([g]);
  const joins: Op[] = [];
  for (const [who, box, role, nonce] of [[b, boxB, 'writer', 1], [c, boxC, 'reader', 2], [d, boxD, 'admin', 3]] as const) {
    joins.push(await op(who.device, ctx, A.replica.parents(), boxedJoinBody(who.device, await invite(a.device, ctx, { role, nonce }), box)));
    expect((await A.receive([joins.at(-1)!])).rejected).toEqual([]);
  }
  const grant = (await A.repair())!;
  const log = [g, ...joins, grant];
  const peer = async (who: typeof a, box: BoxKeyPair) => {
    const p = await epochPeer(who, ctx, box);
    await p.receive(log);
    return p;
  };
  const [B, C, D] = [await peer(b, boxB), await peer(c, boxC), await peer(d, boxD)];
  for (const p of [B, C, D]) expect(p.replica.ring.has(idKey(g.id))).toBe(true);
  return { a, b, c, d, boxA, boxB, boxC, boxD, g, ctx, A, B, C, D, log };
}

/** What `p` makes of an op signed by `device` on its heads: rejected outright, or its verdict. */
async function judged(p: Peer, body: OpBody, device: Device = p.who.device): Promise<{ rejected: string } | { valid: boolean; reason?: string }> {
  const o = await op(device, p.replica.contextId, p.replica.parents(), body, NOW);
  const r = await p.receive([o]);
  if (r.rejected.length) return { rejected: r.rejected[0]!.reason };
  return p.replica.verdict(idKey(o.id))!;
}

/** Every op `p` holds, parents first: to hand another peer. */
const allOps = (p: Peer): Op[] => [...p.replica.dag.all()].map((c) => c.op);

function keyOf(p: Peer): { op: string; epoch: number; key: Uint8Array } {
  const ref = p.replica.governance().epochKey!;
  return { ...ref, key: p.replica.ring.get(ref.op)! };
}

const rotation = (p: Peer, to: string[]) => {
  const { op, epoch } = keyOf(p);
  return rotationBody(p.replica.contextId, epoch + 1, testBytes(70 + to.length), testBytes(71, 24), to, [{ keyOp: fromHex(op), key: keyOf(p).key }]);
};

describe('rotations and grants reach exactly who is entitled', () => {
  test('a rotation seals its key to exactly the box keys entitled at its parents: an empty one (C2) stops nobody', async () => {
    const w = await world();
    const entitled = [w.boxA, w.boxB, w.boxC, w.boxD].map(hex).sort();
    expect([...entitledBoxKeys(w.B.replica.governance(), NOW)].sort()).toEqual(entitled);
    const stranger = hex(await testBoxKey());
    for (const to of [[], entitled.slice(1), [...entitled, stranger], [...entitled.slice(1), stranger]]) {
      expect(await judged(w.B, await rotation(w.B, to))).toMatchObject({ valid: false, reason: 'wrong-recipients' });
    }
    // Refused, the rotation changed no key: the owner has nothing to repair and writes on.
    await w.A.receive(allOps(w.B));
    expect(w.A.replica.governance().epochKey!.op).toBe(idKey(w.g.id));
    expect(planRepair(w.A.replica.governance(), NOW)).toEqual({ kind: 'none' });
    const written = await w.A.write('still writing');
    expect(w.A.replica.verdict(idKey(written.id))).toEqual({ valid: true });
    expect(await judged(w.B, await rotation(w.B, entitled))).toEqual({ valid: true });
  });

  test('a grant without an invite reaches only entitled box keys (junk grants, N10); no key op names a box key twice (N4)', async () => {
    const w = await world();
    const { op: keyOp, key } = keyOf(w.B);
    const junk = [hex(await testBoxKey()), hex(await testBoxKey())];
    expect(await judged(w.B, await grantBody(w.ctx, keyOp, key, junk))).toMatchObject({ valid: false, reason: 'wrong-recipients' });
    expect(await judged(w.B, await grantBody(w.ctx, keyOp, key, [hex(w.boxC), junk[0]!]))).toMatchObject({ valid: false, reason: 'wrong-recipients' });
    // The refused junk leaves nothing to rotate away from (it was the storm's trigger).
    expect(planRepair(w.B.replica.governance(), NOW)).toEqual({ kind: 'none' });
    expect(await judged(w.B, await grantBody(w.ctx, keyOp, key, [hex(w.boxC), hex(w.boxC)]))).toEqual({ rejected: 'malformed' });
    expect(await judged(w.B, await grantBody(w.ctx, keyOp, key, []))).toEqual({ rejected: 'malformed' });
    const entitled = [w.boxA, w.boxB, w.boxC, w.boxD].map(hex).sort();
    expect(await judged(w.B, await rotation(w.B, [...entitled, entitled[0]!]))).toEqual({ rejected: 'malformed' });
    expect(await judged(w.B, await grantBody(w.ctx, keyOp, key, [hex(w.boxC)]))).toEqual({ valid: true });
  });

  test('readers post no key ops: not a rotation (even to exactly the entitled), not a grant', async () => {
    const w = await world();
    const entitled = [w.boxA, w.boxB, w.boxC, w.boxD].map(hex).sort();
    expect(await judged(w.C, await rotation(w.C, entitled))).toMatchObject({ valid: false, reason: 'insufficient-role' });
    expect(await judged(w.C, { kind: 'rotate-epoch', epoch: 1, keyCommit: testBytes(4), boxes: [], previous: { nonce: testBytes(5, 24), sealed: new Uint8Array(40) } })).toMatchObject({ valid: false, reason: 'insufficient-role' });
    const { op: keyOp, key } = keyOf(w.C);
    expect(await judged(w.C, await grantBody(w.ctx, keyOp, key, [hex(w.boxB)]))).toMatchObject({ valid: false, reason: 'insufficient-role' });
  });
});

describe('grants to invites (C1)', () => {
  async function inviteWithBox(by: Device, ctx: Uint8Array, nonce: number, role: 'writer' | 'reader' | 'admin' = 'reader'): Promise<{ inv: Invite; box: BoxKeyPair }> {
    const box = await testBoxKey();
    return { inv: await invite(by, ctx, { role, nonce, boxKey: box.publicKey, maxUses: 5 }), box };
  }

  test("a forged invite grant is refused: a reader's, a writer's own invite, another admin's invite, a box not the invite's", async () => {
    const w = await world();
    const { op: keyOp, key } = keyOf(w.A);
    // The reviewer's forgery: a reader grants a made-up invite to its own box key, far in the future.
    const evil = await testBoxKey();
    const forged = await invite(w.c.device, w.ctx, { nonce: 77, boxKey: evil.publicKey, maxUses: 1000, expiresAt: 2 ** 50 });
    expect(await judged(w.C, await grantBody(w.ctx, keyOp, key, [hex(evil)], forged))).toMatchObject({ valid: false, reason: 'insufficient-role' });
    const byWriter = await invite(w.b.device, w.ctx, { nonce: 78, boxKey: evil.publicKey });
    expect(await judged(w.B, await grantBody(w.ctx, keyOp, key, [hex(evil)], byWriter))).toMatchObject({ valid: false, reason: 'insufficient-role' });
    // An admin granting someone else's invite: only the inviter's root grants it.
    const real = await inviteWithBox(w.a.device, w.ctx, 79);
    expect(await judged(w.D, await grantBody(w.ctx, keyOp, key, [hex(real.box)], real.inv))).toMatchObject({ valid: false, reason: 'invite-not-authorized' });
    // The one box goes to the box key the inviter signed.
    expect(await judged(w.A, await grantBody(w.ctx, keyOp, key, [hex(evil)], real.inv))).toEqual({ rejected: 'bad-invite' });
    // A relay invite carries no box key (malformed alone), so no grant can reach a relay's link.
    const relayInvite = await invite(w.a.device, w.ctx, { nonce: 80, role: 'relay', boxKey: evil.publicKey });
    expect(await judged(w.A, await grantBody(w.ctx, keyOp, key, [hex(evil)], relayInvite))).toEqual({ rejected: 'bad-invite' });
    expect(entitledBoxKeys(w.A.replica.governance(), NOW).has(hex(evil))).toBe(false);
    expect(await judged(w.A, await grantBody(w.ctx, keyOp, key, [hex(real.box)], real.inv))).toEqual({ valid: true });
    expect(entitledBoxKeys(w.A.replica.governance(), NOW).has(hex(real.box))).toBe(true);
  });

  test('one grant per invite: a second cannot overwrite what the first recorded; an invite naming a registered box key is refused', async () => {
    const w = await world();
    const { op: keyOp, key } = keyOf(w.A);
    const first = await inviteWithBox(w.a.device, w.ctx, 81);
    expect(await judged(w.A, await grantBody(w.ctx, keyOp, key, [hex(first.box)], first.inv))).toEqual({ valid: true });
    expect(await judged(w.A, await grantBody(w.ctx, keyOp, key, [hex(first.box)], first.inv))).toMatchObject({ valid: false, reason: 'invite-already-granted' });
    const onB = await invite(w.a.device, w.ctx, { nonce: 82, boxKey: w.boxB.publicKey });
    expect(await judged(w.A, await grantBody(w.ctx, keyOp, key, [hex(w.boxB)], onB))).toMatchObject({ valid: false, reason: 'box-key-in-use' });
    const reused = await invite(w.a.device, w.ctx, { nonce: 83, boxKey: first.box.publicKey });
    expect(await judged(w.A, await grantBody(w.ctx, keyOp, key, [hex(first.box)], reused))).toMatchObject({ valid: false, reason: 'box-key-in-use' });
  });

  test("an invite's entitlement ends when its inviter is removed or demoted: the next plan rotates away from it", async () => {
    const w = await world();
    const { op: keyOp, key } = keyOf(w.D);
    const byD = await inviteWithBox(w.d.device, w.ctx, 84);
    expect(await judged(w.D, await grantBody(w.ctx, keyOp, key, [hex(byD.box)], byD.inv))).toEqual({ valid: true });
    await w.A.receive(allOps(w.D));
    expect(entitledBoxKeys(w.A.replica.governance(), NOW).has(hex(byD.box))).toBe(true);
    expect(planRepair(w.A.replica.governance(), NOW)).toEqual({ kind: 'none' });

    // Demoted to writer: D stays, its link reads no more.
    const demoted = await epochPeer(w.a, w.ctx, w.boxA);
    await demoted.receive(allOps(w.A));
    await demoted.publish({ kind: 'set-role', member: w.d.rootId, role: 'writer' });
    expect(entitledBoxKeys(demoted.replica.governance(), NOW).has(hex(byD.box))).toBe(false);
    expect(planRepair(demoted.replica.governance(), NOW)).toMatchObject({ kind: 'rotate', stale: [hex(byD.box)] });

    // Removed: its device and its link both.
    await w.A.publish({ kind: 'remove', member: w.d.rootId });
    const plan = planRepair(w.A.replica.governance(), NOW);
    expect(plan).toMatchObject({ kind: 'rotate', stale: [hex(byD.box), hex(w.boxD)].sort() });
    expect(plan.kind === 'rotate' && plan.recipients).toEqual([w.boxA, w.boxB, w.boxC].map(hex).sort());
    const rotated = (await w.A.repair())!;
    expect(w.A.replica.verdict(idKey(rotated.id))).toEqual({ valid: true });
    expect(planRepair(w.A.replica.governance(), NOW)).toEqual({ kind: 'none' });
  });

  test("a removed reader's forged invite grant no longer keeps it reading (the reviewer's scratch 1)", async () => {
    const w = await world();
    const evil = await testBoxKey();
    const { op: keyOp, key } = keyOf(w.C);
    const forged = await invite(w.c.device, w.ctx, { nonce: 77, boxKey: evil.publicKey, maxUses: 1000, expiresAt: 2 ** 50 });
    const grant = await op(w.c.device, w.ctx, w.C.replica.parents(), await grantBody(w.ctx, keyOp, key, [hex(evil)], forged), NOW);
    await w.A.receive([grant]);
    expect(w.A.replica.verdict(idKey(grant.id))).toMatchObject({ valid: false });
    await w.A.publish({ kind: 'remove', member: w.c.rootId });
    const plan = planRepair(w.A.replica.governance(), NOW);
    expect(plan.kind === 'rotate' && plan.recipients.includes(hex(evil))).toBe(false);
    const rotated = (await w.A.repair())!;
    expect(rotated.body.kind === 'rotate-epoch' && rotated.body.boxes.map((b) => toHex(b.to))).not.toContain(hex(evil));
  });
});

describe('box keys (C6, N2)', () => {
  // u = 0, 1 and an order-8 point (2^255 - 19 - 1 has order 2).
  const lowOrder = [new Uint8Array(32), Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0)), fromHex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800')];

  test('a genesis, join or add-device registering an unusable box key is rejected (bad-box-key); so is a join whose invite names one', async () => {
    const w = await world();
    for (const bad of lowOrder) {
      const g = await signOp(w.a.device.signer, { context: GENESIS_CONTEXT, parents: [], time: T0, body: { ...(w.g.body as Extract<OpBody, { kind: 'genesis' }>), boxKey: bad } });
      const { createReplica } = await import('../context/replica.ts');
      const { recordingSink } = await import('../context/testkit.ts');
      expect((await createReplica(g.id, recordingSink()).receive([g])).rejected.map((r) => r.reason)).toEqual(['bad-box-key']);
      const e = await person('E', 5);
      const join = { kind: 'join', invite: await invite(w.a.device, w.ctx, { nonce: 90 }), delegation: e.device.delegation, boxKey: bad } as const;
      expect(await judged(w.A, join, e.device)).toEqual({ rejected: 'bad-box-key' });
      const laptop = await newDevice(w.b.root, 'laptop');
      expect(await judged(w.B, { kind: 'add-device', delegation: laptop.delegation, boxKey: bad }, laptop)).toEqual({ rejected: 'bad-box-key' });
      const badInvite = await invite(w.a.device, w.ctx, { nonce: 91, boxKey: bad });
      expect(await judged(w.A, boxedJoinBody(e.device, badInvite, await testBoxKey()), e.device)).toEqual({ rejected: 'bad-invite' });
    }
  });

  test("another root's box key cannot be registered (box-key-in-use); a root re-registering its own for a rotated client key can", async () => {
    const w = await world();
    const e = await person('E', 5);
    const join = boxedJoinBody(e.device, await invite(w.a.device, w.ctx, { nonce: 92 }), w.boxB);
    expect(await judged(w.A, join, e.device)).toMatchObject({ valid: false, reason: 'box-key-in-use' });
    const cLaptop = await newDevice(w.c.root, 'laptop');
    expect(await judged(w.C, { kind: 'add-device', delegation: cLaptop.delegation, boxKey: w.boxB.publicKey }, cLaptop)).toMatchObject({ valid: false, reason: 'box-key-in-use' });
    const bRotated = await newDevice(w.b.root, 'phone, rotated');
    expect(await judged(w.B, { kind: 'add-device', delegation: bRotated.delegation, boxKey: w.boxB.publicKey }, bRotated)).toEqual({ valid: true });
    // So removing B leaves its box key to nobody: the plan rotates away from it.
    await w.A.receive(allOps(w.B));
    await w.A.publish({ kind: 'remove', member: w.b.rootId });
    expect(planRepair(w.A.replica.governance(), NOW)).toMatchObject({ kind: 'rotate', stale: [hex(w.boxB)] });
  });
});
