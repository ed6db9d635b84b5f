import { describe, expect, test } from 'vitest';
import { createReplica } from '../context/replica.ts';
import { deltaBody, genesis, invite, joinBody, newDevice, op, person, recordingSink, revokeKeyBody } from '../context/testkit.ts';
import { delegationCodec } from '../identity/index.ts';
import { idKey, type Op, type OpBody } from '../ops/op.ts';
import { ROLES, atLeast, roleRank } from '../ops/roles.ts';
import { admitPeer } from '../sync/handshake.ts';

const key = (o: Op) => idKey(o.id);
const APP_B = new Uint8Array(32).fill(0xb3);

/** Owner A; admin M; relay R (invited by M); writer W. */
async function world() {
  const [a, m, r, w] = await Promise.all([person('A', 81), person('M', 82), person('R', 83), person('W', 84)]);
  const g = await genesis(a);
  const joinM = await op(m.device, g.id, [g], joinBody(m.device, await invite(a.device, g.id, { role: 'admin', nonce: 1 })));
  const joinR = await op(r.device, g.id, [joinM], joinBody(r.device, await invite(m.device, g.id, { role: 'relay', nonce: 2 })));
  const joinW = await op(w.device, g.id, [joinR], joinBody(w.device, await invite(a.device, g.id, { role: 'writer', nonce: 3 })));
  const sink = recordingSink();
  const replica = createReplica(g.id, sink);
  await replica.receive([g, joinM, joinR, joinW]);
  return { a, m, r, w, g, joinR, joinW, replica, sink };
}

describe('the relay role', () => {
  test('is appended to the roles (older wire tags keep their meaning) and ranks below a reader', () => {
    expect(ROLES.slice(0, 4)).toEqual(['owner', 'admin', 'writer', 'reader']);
    expect(ROLES.at(-1)).toBe('relay');
    expect(roleRank('relay')).toBeLessThan(roleRank('reader'));
    expect(atLeast('relay', 'reader')).toBe(false);
    expect(atLeast('reader', 'relay')).toBe(true);
  });

  test('an admin invites a relay; it joins and is a member with role relay', async () => {
    const x = await world();
    expect(x.replica.verdict(key(x.joinR))).toMatchObject({ valid: true });
    expect(x.replica.governance().members.get(x.r.rootId)).toEqual({ role: 'relay' });
  });

  test('a relay invite carrying a box key is malformed: nobody joins with it, so no key reaches a relay through its link', async () => {
    const x = await world();
    const [y] = await Promise.all([person('Y', 85)]);
    const boxed = await invite(x.a.device, x.g.id, { role: 'relay', nonce: 9, boxKey: new Uint8Array(32).fill(0x42) });
    const join = await op(y.device, x.g.id, [x.joinW], joinBody(y.device, boxed));
    const result = await x.replica.receive([join]);
    expect(result.rejected).toEqual([expect.objectContaining({ reason: 'bad-invite', message: expect.stringMatching(/a relay invite cannot carry a box key/) })]);
    expect(x.replica.governance().members.has(y.rootId)).toBe(false);
  });

  test('a relay is admitted at the handshake like any member', async () => {
    const x = await world();
    const claims = delegationCodec.decode(x.r.device.delegation).claims;
    const admitted = await admitPeer(claims, { kind: 'member' }, x.g.id, x.replica.governance(), Date.UTC(2026, 10, 24));
    expect(admitted).toMatchObject({ ok: true, standing: 'member' });
  });

  test('a relay cannot write state', async () => {
    const x = await world();
    const write = await op(x.r.device, x.g.id, [x.joinW], deltaBody('by relay'));
    await x.replica.receive([write]);
    expect(x.replica.verdict(key(write))).toMatchObject({ valid: false, reason: 'relay-cannot-write' });
    expect(x.sink.applied.size).toBe(0);
  });

  test('a relay cannot govern: no role changes, removals, app changes or invite revocations', async () => {
    const x = await world();
    const bodies: OpBody[] = [
      { kind: 'set-role', member: x.w.rootId, role: 'reader' },
      { kind: 'remove', member: x.w.rootId },
      { kind: 'set-app', appId: APP_B },
      { kind: 'revoke-invite', invite: new Uint8Array(32).fill(1) },
      { kind: 'set-origins', add: ['https://relay.example'], remove: [] },
    ];
    for (const body of bodies) {
      const attempt = await op(x.r.device, x.g.id, [x.joinW], body);
      await x.replica.receive([attempt]);
      expect(x.replica.verdict(key(attempt)), body.kind).toMatchObject({ valid: false, reason: 'relay-cannot-govern' });
    }
    expect(x.replica.governance().members.get(x.w.rootId)).toEqual({ role: 'writer' });
  });

  test('a relay manages its own keys (a renewed or rotated key, a revocation): it stays a relay', async () => {
    const x = await world();
    const renewed = await newDevice(x.r.root, 'R renewed');
    const add = await op(renewed, x.g.id, [x.joinW], { kind: 'add-device', delegation: renewed.delegation });
    const revoke = await op(renewed, x.g.id, [add], await revokeKeyBody(x.r.root, x.r.device));
    const write = await op(renewed, x.g.id, [revoke], deltaBody('still a relay'));
    await x.replica.receive([add, revoke, write]);
    expect(x.replica.verdict(key(add))).toMatchObject({ valid: true });
    expect(x.replica.verdict(key(revoke))).toMatchObject({ valid: true });
    expect(x.replica.verdict(key(write))).toMatchObject({ valid: false, reason: 'relay-cannot-write' });
    expect(x.replica.governance().members.get(x.r.rootId)).toEqual({ role: 'relay' });
  });

  test('an invite signed by a relay does not let anyone join (it is no admin)', async () => {
    const x = await world();
    const [y] = await Promise.all([person('Y', 85)]);
    const join = await op(y!.device, x.g.id, [x.joinW], joinBody(y!.device, await invite(x.r.device, x.g.id, { role: 'relay', nonce: 9 })));
    await x.replica.receive([join]);
    expect(x.replica.verdict(key(join))).toMatchObject({ valid: false, reason: 'invite-not-authorized' });
  });

  test('a relay may leave', async () => {
    const x = await world();
    const leave = await op(x.r.device, x.g.id, [x.joinW], { kind: 'leave' });
    await x.replica.receive([leave]);
    expect(x.replica.verdict(key(leave))).toMatchObject({ valid: true });
    expect(x.replica.governance().members.has(x.r.rootId)).toBe(false);
  });

  test('an admin makes a writer a relay and back; its writes as a relay are refused', async () => {
    const x = await world();
    const toRelay = await op(x.m.device, x.g.id, [x.joinW], { kind: 'set-role', member: x.w.rootId, role: 'relay' });
    const write = await op(x.w.device, x.g.id, [toRelay], deltaBody('as relay'));
    const back = await op(x.m.device, x.g.id, [write], { kind: 'set-role', member: x.w.rootId, role: 'writer' });
    const again = await op(x.w.device, x.g.id, [back], deltaBody('writer again'));
    await x.replica.receive([toRelay, write, back, again]);
    expect(x.replica.verdict(key(toRelay))).toMatchObject({ valid: true });
    expect(x.replica.verdict(key(write))).toMatchObject({ valid: false, reason: 'relay-cannot-write' });
    expect(x.replica.verdict(key(again))).toMatchObject({ valid: true });
    expect([...x.sink.applied.values()]).toEqual(['writer again']);
  });

  test('a write concurrent with a demotion to relay loses; a leave concurrent with it stands', async () => {
    const x = await world();
    const demote = await op(x.m.device, x.g.id, [x.joinW], { kind: 'set-role', member: x.w.rootId, role: 'relay' });
    const write = await op(x.w.device, x.g.id, [x.joinW], deltaBody('concurrent'));
    await x.replica.receive([write, demote]);
    expect(x.replica.verdict(key(write))).toMatchObject({ valid: false, reason: 'demoted-concurrently' });

    const y = await world();
    const demoteY = await op(y.m.device, y.g.id, [y.joinW], { kind: 'set-role', member: y.w.rootId, role: 'relay' });
    const leave = await op(y.w.device, y.g.id, [y.joinW], { kind: 'leave' });
    await y.replica.receive([demoteY, leave]);
    expect(y.replica.verdict(key(leave))).toMatchObject({ valid: true });
  });

  test('an admin (not owner) cannot make an admin a relay: only owners change admins', async () => {
    const x = await world();
    const attempt = await op(x.m.device, x.g.id, [x.joinW], { kind: 'set-role', member: x.m.rootId, role: 'relay' });
    await x.replica.receive([attempt]);
    expect(x.replica.verdict(key(attempt))).toMatchObject({ valid: false, reason: 'insufficient-role' });
    const byOwner = await op(x.a.device, x.g.id, [x.joinW], { kind: 'set-role', member: x.m.rootId, role: 'relay' });
    await x.replica.receive([byOwner]);
    expect(x.replica.verdict(key(byOwner))).toMatchObject({ valid: true });
  });

  test('an admin removes a relay', async () => {
    const x = await world();
    const rm = await op(x.m.device, x.g.id, [x.joinW], { kind: 'remove', member: x.r.rootId });
    await x.replica.receive([rm]);
    expect(x.replica.verdict(key(rm))).toMatchObject({ valid: true });
    expect(x.replica.governance().members.has(x.r.rootId)).toBe(false);
  });
});
