import { describe, expect, test } from 'vitest';
import { encodeOp, OP_LIMITS, type Op } from '../ops/op.ts';
import { createReplica } from './replica.ts';
import { deltaBody, genesis, invite, joinBody, newDevice, op, person, recordingSink, revokeKeyBody, T0 } from './testkit.ts';

const DAY = 86_400_000;

/** A context with an owner A, a writer B and a reader C, all joined by invite. */
async function world() {
  const [a, b, c, d] = await Promise.all([person('A', 1), person('B', 2), person('C', 3), person('D', 4)]);
  const g = await genesis(a);
  const ctx = g.id;
  const invB = await invite(a.device, ctx, { role: 'writer', nonce: 1 });
  const invC = await invite(a.device, ctx, { role: 'reader', nonce: 2 });
  const joinB = await op(b.device, ctx, [g], joinBody(b.device, invB));
  const joinC = await op(c.device, ctx, [joinB], joinBody(c.device, invC));
  const sink = recordingSink();
  const replica = createReplica(ctx, sink);
  const r = await replica.receive([g, joinB, joinC]);
  expect(r.rejected).toEqual([]);
  for (const x of [g, joinB, joinC]) expect(replica.verdict(key(x))).toEqual({ valid: true });
  return { a, b, c, d, g, ctx, joinB, joinC, replica, sink };
}

const key = (o: Op) => Buffer.from(o.id).toString('hex');

async function verdictOf(replica: Awaited<ReturnType<typeof world>>['replica'], o: Op) {
  const r = await replica.receive([o]);
  if (r.rejected.length) return { rejected: r.rejected[0]!.reason, message: r.rejected[0]!.message };
  return replica.verdict(key(o));
}

describe('op validity', () => {
  test("a stranger's op, and what builds on it, is rejected outright: never kept, never a head", async () => {
    const w = await world();
    const stranger = await op(w.d.device, w.ctx, [w.joinC], deltaBody('d'));
    const onTop = await op(w.d.device, w.ctx, [stranger], deltaBody('d2'));
    const r = await w.replica.receive([onTop, stranger]);
    expect(r.rejected.map((x) => x.reason)).toEqual(['unknown-key', 'unknown-key']);
    expect(r.added).toEqual([]);
    expect(w.replica.dag.has(key(stranger)) || w.replica.dag.has(key(onTop))).toBe(false);
    expect(w.replica.heads()).toEqual([key(w.joinC)]);
    expect(w.sink.applied.size).toBe(0);
  });

  test('members write; the state holds exactly the valid deltas', async () => {
    const w = await world();
    const write = await op(w.b.device, w.ctx, [w.joinC], deltaBody('b1'));
    expect(await verdictOf(w.replica, write)).toEqual({ valid: true });
    expect([...w.sink.applied.values()]).toEqual(['b1']);
  });

  test.each([
    ['forged signature', 'bad-signature'],
    ['wrong context', 'wrong-context'],
    ['oversized op', 'malformed'],
    ['malformed bytes', 'malformed'],
    ['truncated bytes', 'malformed'],
  ])('rejects outright: %s', async (name, reason) => {
    const w = await world();
    const good = await op(w.b.device, w.ctx, [w.joinC], deltaBody('x'));
    let input: Uint8Array | Op = good;
    if (name === 'forged signature') input = { ...good, signature: good.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    if (name === 'wrong context') {
      const other = await genesis(w.d, 'other');
      input = await op(w.b.device, other.id, [other], deltaBody('x'));
    }
    if (name === 'oversized op') {
      const bytes = encodeOp(good);
      const big = new Uint8Array(OP_LIMITS.encodedBytes + 1);
      big.set(bytes);
      input = big;
    }
    if (name === 'malformed bytes') input = new Uint8Array([0x20, 1, 0xff, 0xff]);
    if (name === 'truncated bytes') input = encodeOp(good).subarray(0, 50);
    const r = await w.replica.receive([input]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]!.reason).toBe(reason);
    expect(r.rejected[0]!.message).toBeTruthy();
    expect(w.sink.applied.size).toBe(0);
  });

  test('a replayed op is taken once; replayed into another context it is rejected', async () => {
    const w = await world();
    const write = await op(w.b.device, w.ctx, [w.joinC], deltaBody('once'));
    await w.replica.receive([write, encodeOp(write), write]);
    expect(w.sink.applied.size).toBe(1);
    const otherGenesis = await genesis(w.b, 'B context');
    const other = createReplica(otherGenesis.id, recordingSink());
    await other.receive([otherGenesis]);
    const r = await other.receive([write]);
    expect(r.rejected[0]?.reason).toBe('wrong-context');
  });

  test.each([
    ['a reader writing', 'insufficient-role'],
    ['a writer granting a role', 'insufficient-role'],
    ['a writer inviting', 'invite-not-authorized'],
    ['a removed member writing', 'not-a-member'],
    ['a revoked key writing', 'revoked-key'],
    ['a write dated after the key delegation', 'key-expired'],
    ['a reused invite', 'invite-exhausted'],
    ['a revoked invite', 'invite-revoked'],
    ['the last owner leaving', 'last-owner'],
  ])('refuses %s', async (name, reason) => {
    const w = await world();
    let o: Op;
    switch (name) {
      case 'a reader writing':
        o = await op(w.c.device, w.ctx, [w.joinC], deltaBody('c'));
        break;
      case 'a writer granting a role':
        o = await op(w.b.device, w.ctx, [w.joinC], { kind: 'set-role', member: w.c.rootId, role: 'writer' });
        break;
      case 'a writer inviting': {
        const inv = await invite(w.b.device, w.ctx, { role: 'reader' });
        o = await op(w.d.device, w.ctx, [w.joinC], joinBody(w.d.device, inv));
        break;
      }
      case 'a removed member writing': {
        const rm = await op(w.a.device, w.ctx, [w.joinC], { kind: 'remove', member: w.b.rootId });
        await w.replica.receive([rm]);
        o = await op(w.b.device, w.ctx, [rm], deltaBody('late'));
        break;
      }
      case 'a revoked key writing': {
        const rk = await op(w.b.device, w.ctx, [w.joinC], await revokeKeyBody(w.b.root, w.b.device));
        await w.replica.receive([rk]);
        o = await op(w.b.device, w.ctx, [rk], deltaBody('after revoke'));
        break;
      }
      case 'a write dated after the key delegation':
        o = await op(w.b.device, w.ctx, [w.joinC], deltaBody('late'), T0 + 400 * DAY);
        break;
      case 'a reused invite': {
        const inv = await invite(w.a.device, w.ctx, { maxUses: 1, nonce: 9 });
        const first = await op(w.d.device, w.ctx, [w.joinC], joinBody(w.d.device, inv));
        await w.replica.receive([first]);
        const e = await person('E', 5);
        o = await op(e.device, w.ctx, [first], joinBody(e.device, inv));
        break;
      }
      case 'a revoked invite': {
        const inv = await invite(w.a.device, w.ctx, { nonce: 10 });
        const { inviteId } = await import('../invitation/invite.ts');
        const rv = await op(w.a.device, w.ctx, [w.joinC], { kind: 'revoke-invite', invite: inviteId(inv.claims) });
        await w.replica.receive([rv]);
        o = await op(w.d.device, w.ctx, [rv], joinBody(w.d.device, inv));
        break;
      }
      default:
        o = await op(w.a.device, w.ctx, [w.joinC], { kind: 'leave' });
    }
    const v = await verdictOf(w.replica, o);
    expect(v).toMatchObject({ valid: false, reason });
    expect(w.sink.applied.size).toBe(0);
  });

  test.each([
    ['an expired invite', /expired/],
    ['a tampered invite', /altered/],
  ])('rejects outright %s', async (name, message) => {
    const w = await world();
    const inv = await invite(w.a.device, w.ctx, { expiresAt: name === 'an expired invite' ? T0 : T0 + DAY });
    const used = name === 'a tampered invite' ? { ...inv, claims: { ...inv.claims, role: 'admin' as const } } : inv;
    const o = await op(w.d.device, w.ctx, [w.joinC], joinBody(w.d.device, used));
    const v = await verdictOf(w.replica, o);
    expect(v).toMatchObject({ rejected: 'bad-invite', message: expect.stringMatching(message) });
  });

  test('an op with unknown parents waits, untouched, until they arrive', async () => {
    const w = await world();
    const w1 = await op(w.b.device, w.ctx, [w.joinC], deltaBody('1'));
    const w2 = await op(w.b.device, w.ctx, [w1], deltaBody('2'));
    await w.replica.receive([w2]);
    expect(w.replica.dag.pendingCount()).toBe(1);
    expect(w.replica.dag.missing()).toEqual([key(w1)]);
    expect(w.sink.applied.size).toBe(0);
    await w.replica.receive([w1]);
    expect(w.replica.dag.pendingCount()).toBe(0);
    expect([...w.sink.applied.values()].sort()).toEqual(['1', '2']);
    expect(w.replica.heads()).toEqual([key(w2)]);
  });
});

describe('concurrency rule', () => {
  test('a write concurrent with its author’s removal is dropped, even after it was applied', async () => {
    const w = await world();
    const write = await op(w.b.device, w.ctx, [w.joinC], deltaBody('concurrent'));
    const before = await op(w.b.device, w.ctx, [w.joinB], deltaBody('before'));
    await w.replica.receive([before, write]);
    expect(w.sink.applied.size).toBe(2);
    const rm = await op(w.a.device, w.ctx, [w.joinC, before], { kind: 'remove', member: w.b.rootId });
    const r = await w.replica.receive([rm]);
    expect(r.flipped).toEqual([key(write)]);
    expect(r.rebuilt).toBe(true);
    expect(w.replica.verdict(key(write))).toMatchObject({ valid: false, reason: 'removed-concurrently' });
    expect([...w.sink.applied.values()]).toEqual(['before']);
  });

  test('a key revocation cascades to concurrent and later ops of that key only', async () => {
    const w = await world();
    const second = await newDevice(w.b.root, 'B phone');
    const addPhone = await op(second, w.ctx, [w.joinC], { kind: 'add-device', delegation: second.delegation });
    await w.replica.receive([addPhone]);
    const fromLaptop = await op(w.b.device, w.ctx, [addPhone], deltaBody('laptop'));
    const fromPhone = await op(second, w.ctx, [addPhone], deltaBody('phone'));
    const revoke = await op(second, w.ctx, [addPhone], await revokeKeyBody(w.b.root, w.b.device));
    await w.replica.receive([fromLaptop, fromPhone, revoke]);
    expect(w.replica.verdict(key(fromLaptop))).toMatchObject({ valid: false, reason: 'key-revoked-concurrently' });
    expect(w.replica.verdict(key(fromPhone))).toEqual({ valid: true });
    expect([...w.sink.applied.values()]).toEqual(['phone']);
  });

  test('a member root revokes a key the context has not seen yet; that key can never come in', async () => {
    const w = await world();
    const lost = await newDevice(w.b.root, 'lost phone');
    const revoke = await op(w.b.device, w.ctx, [w.joinC], await revokeKeyBody(w.b.root, lost));
    await w.replica.receive([revoke]);
    expect(w.replica.verdict(key(revoke))).toEqual({ valid: true });
    const comeback = await op(lost, w.ctx, [revoke], { kind: 'add-device', delegation: lost.delegation });
    await w.replica.receive([comeback]);
    expect(w.replica.verdict(key(comeback))).toMatchObject({ valid: false, reason: 'revoked-key' });
    // Another root cannot revoke ahead of time a key of a root that is not a member.
    const outsider = await person('outsider', 9);
    const stranger = await newDevice(outsider.root, 'stranger');
    const foreign = await op(w.b.device, w.ctx, [revoke], await revokeKeyBody(outsider.root, stranger));
    await w.replica.receive([foreign]);
    expect(w.replica.verdict(key(foreign))).toMatchObject({ valid: false, reason: 'not-your-key' });
  });

  test('two owners removing each other: exactly one deterministic winner, whatever the arrival order', async () => {
    const w = await world();
    const promote = await op(w.a.device, w.ctx, [w.joinC], { kind: 'set-role', member: w.b.rootId, role: 'owner' });
    const aRemovesB = await op(w.a.device, w.ctx, [promote], { kind: 'remove', member: w.b.rootId });
    const bRemovesA = await op(w.b.device, w.ctx, [promote], { kind: 'remove', member: w.a.rootId });
    await w.replica.receive([promote, aRemovesB, bRemovesA]);
    const verdicts = [w.replica.verdict(key(aRemovesB))!.valid, w.replica.verdict(key(bRemovesA))!.valid];
    expect(verdicts.filter(Boolean)).toHaveLength(1);
    const other = createReplica(w.ctx, recordingSink());
    await other.receive([w.g, w.joinB, w.joinC, promote, bRemovesA, aRemovesB]);
    expect([other.verdict(key(aRemovesB))!.valid, other.verdict(key(bRemovesA))!.valid]).toEqual(verdicts);
    expect(other.governance().members.size).toBe(w.replica.governance().members.size);
  });

  test('an admin demoted concurrently loses the admin acts made meanwhile', async () => {
    const w = await world();
    const promote = await op(w.a.device, w.ctx, [w.joinC], { kind: 'set-role', member: w.b.rootId, role: 'admin' });
    await w.replica.receive([promote]);
    const bRemovesC = await op(w.b.device, w.ctx, [promote], { kind: 'remove', member: w.c.rootId });
    const bWrites = await op(w.b.device, w.ctx, [promote], deltaBody('still a writer'));
    const aDemotesB = await op(w.a.device, w.ctx, [promote], { kind: 'set-role', member: w.b.rootId, role: 'writer' });
    await w.replica.receive([bRemovesC, bWrites, aDemotesB]);
    expect(w.replica.verdict(key(bRemovesC))).toMatchObject({ valid: false, reason: 'demoted-concurrently' });
    expect(w.replica.verdict(key(bWrites))).toEqual({ valid: true });
    expect(w.replica.governance().members.get(w.c.rootId)?.role).toBe('reader');
    expect(w.replica.governance().members.get(w.b.rootId)?.role).toBe('writer');
  });

  test('two concurrent joins with a single-use invite: exactly one is admitted', async () => {
    const w = await world();
    const e = await person('E', 5);
    const inv = await invite(w.a.device, w.ctx, { maxUses: 1, nonce: 4 });
    const jd = await op(w.d.device, w.ctx, [w.joinC], joinBody(w.d.device, inv));
    const je = await op(e.device, w.ctx, [w.joinC], joinBody(e.device, inv));
    await w.replica.receive([je, jd]);
    const admitted = [w.replica.verdict(key(jd))!.valid, w.replica.verdict(key(je))!.valid];
    expect(admitted.filter(Boolean)).toHaveLength(1);
    const reversed = createReplica(w.ctx, recordingSink());
    await reversed.receive([w.g, w.joinB, w.joinC, jd, je]);
    expect([reversed.verdict(key(jd))!.valid, reversed.verdict(key(je))!.valid]).toEqual(admitted);
  });
});
