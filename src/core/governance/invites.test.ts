import { describe, expect, test } from 'vitest';
import { toHex } from '../crypto/index.ts';
import { createReplica } from '../context/replica.ts';
import { deltaBody, genesis, invite, joinBody, newDevice, op, person, recordingSink } from '../context/testkit.ts';
import { inviteId } from '../invitation/invite.ts';
import type { Op } from '../ops/op.ts';
import { admitPeer } from '../sync/handshake.ts';
import { delegationCodec } from '../identity/index.ts';

const key = (o: Op) => toHex(o.id);

/** Owner A; admin M (joined with a two-use invite); writer B. */
async function world() {
  const [a, m, b, x] = await Promise.all([person('A', 61), person('M', 62), person('B', 63), person('X', 64)]);
  const g = await genesis(a);
  const twoUse = await invite(a.device, g.id, { role: 'admin', maxUses: 2, nonce: 1 });
  const joinM = await op(m.device, g.id, [g], joinBody(m.device, twoUse));
  const joinB = await op(b.device, g.id, [joinM], joinBody(b.device, await invite(a.device, g.id, { role: 'writer', nonce: 2 })));
  const replica = createReplica(g.id, recordingSink());
  await replica.receive([g, joinM, joinB]);
  // An invite M issued and nobody used yet.
  const byM = await invite(m.device, g.id, { role: 'writer', maxUses: 3, nonce: 3 });
  return { a, m, b, x, g, twoUse, joinM, joinB, byM, replica };
}

describe('removal revokes the removed member’s invites', () => {
  test('a removed member cannot come back with the remaining use of the invite it joined with', async () => {
    const w = await world();
    const rm = await op(w.a.device, w.g.id, [w.joinB], { kind: 'remove', member: w.m.rootId });
    await w.replica.receive([rm]);
    expect(w.replica.governance().revokedInvites.has(toHex(inviteId(w.twoUse.claims)))).toBe(true);
    const phone = await newDevice(w.m.root, 'M phone');
    const back = await op(phone, w.g.id, [rm], joinBody(phone, w.twoUse));
    await w.replica.receive([back]);
    expect(w.replica.verdict(key(back))).toMatchObject({ valid: false, reason: 'invite-revoked' });
    expect(w.replica.governance().members.has(w.m.rootId)).toBe(false);
  });

  test('invites the removed member issued stop working (while it is not an admin)', async () => {
    const w = await world();
    const rm = await op(w.a.device, w.g.id, [w.joinB], { kind: 'remove', member: w.m.rootId });
    await w.replica.receive([rm]);
    const join = await op(w.x.device, w.g.id, [rm], joinBody(w.x.device, w.byM));
    await w.replica.receive([join]);
    expect(w.replica.verdict(key(join))).toMatchObject({ valid: false, reason: 'invite-not-authorized' });
  });

  test('a removal beats concurrent joins: the removed member’s own, and joins with its invites', async () => {
    const w = await world();
    const rm = await op(w.a.device, w.g.id, [w.joinB], { kind: 'remove', member: w.m.rootId });
    // Concurrent with the removal (both on joinB): M rejoins with a fresh device, X joins with M's invite.
    const phone = await newDevice(w.m.root, 'M phone');
    const rejoin = await op(phone, w.g.id, [w.joinB], joinBody(phone, w.twoUse));
    const viaM = await op(w.x.device, w.g.id, [w.joinB], joinBody(w.x.device, w.byM));
    await w.replica.receive([rejoin, viaM]);
    expect(w.replica.verdict(key(viaM))?.valid).toBe(true);
    await w.replica.receive([rm]);
    expect(w.replica.verdict(key(rejoin))).toMatchObject({ valid: false, reason: 'removed-concurrently' });
    expect(w.replica.verdict(key(viaM))).toMatchObject({ valid: false, reason: 'removed-concurrently' });
    const members = w.replica.governance().members;
    expect(members.has(w.m.rootId)).toBe(false);
    expect(members.has(w.x.rootId)).toBe(false);
  });

  test('admission is judged again: a holder of the removed member’s invite is refused at the handshake', async () => {
    const w = await world();
    const claims = delegationCodec.decode(w.x.device.delegation).claims;
    const before = await admitPeer(claims, { kind: 'invite', invite: w.byM }, w.g.id, w.replica.governance(), Date.UTC(2026, 10, 24));
    expect(before).toMatchObject({ ok: true, standing: 'invitee' });
    const rm = await op(w.a.device, w.g.id, [w.joinB], { kind: 'remove', member: w.m.rootId });
    await w.replica.receive([rm]);
    const after = await admitPeer(claims, { kind: 'invite', invite: w.byM }, w.g.id, w.replica.governance(), Date.UTC(2026, 10, 24));
    expect(after).toMatchObject({ ok: false, reason: 'bad-invite' });
    const mClaims = delegationCodec.decode(w.m.device.delegation).claims;
    const mBack = await admitPeer(mClaims, { kind: 'invite', invite: w.twoUse }, w.g.id, w.replica.governance(), Date.UTC(2026, 10, 24));
    expect(mBack).toMatchObject({ ok: false, reason: 'bad-invite', message: 'the invite was revoked' });
  });

  test('a member who leaves keeps what it joined with; a removal of someone else changes nothing for others', async () => {
    const w = await world();
    const leave = await op(w.b.device, w.g.id, [w.joinB], { kind: 'leave' });
    const write = await op(w.a.device, w.g.id, [leave], deltaBody('after'));
    await w.replica.receive([leave, write]);
    expect(w.replica.governance().revokedInvites.size).toBe(0);
    expect(w.replica.verdict(key(write))?.valid).toBe(true);
  });
});
