import { describe, expect, test } from 'vitest';
import { toHex } from '../crypto/index.ts';
import { OP_LIMITS, type Op } from '../ops/op.ts';
import { createReplica } from './replica.ts';
import { deltaBody, genesis, invite, joinBody, op, person, recordingSink, T0 } from './testkit.ts';

const key = (o: Op) => toHex(o.id);

/** Owner A, writer B, reader C. */
async function world(limits?: Parameters<typeof createReplica>[3]) {
  const [a, b, c] = await Promise.all([person('A', 41), person('B', 42), person('C', 43)]);
  const g = await genesis(a);
  const joinB = await op(b.device, g.id, [g], joinBody(b.device, await invite(a.device, g.id, { role: 'writer', nonce: 1 })));
  const joinC = await op(c.device, g.id, [joinB], joinBody(c.device, await invite(a.device, g.id, { role: 'reader', nonce: 2 })));
  const sink = recordingSink();
  const replica = createReplica(g.id, sink, {}, limits);
  await replica.receive([g, joinB, joinC]);
  return { a, b, c, g, joinB, joinC, replica, sink };
}

describe('the history honest writers build on', () => {
  test("a member's 40 refused ops never become heads, and writers still name at most 32 parents", async () => {
    const w = await world();
    // The reader C writes 40 deltas: each refused (insufficient role).
    const refused = await Promise.all(Array.from({ length: 40 }, (_, i) => op(w.c.device, w.g.id, [w.joinC], deltaBody(`c${i}`), T0 + 2000 + i)));
    const r = await w.replica.receive(refused);
    expect(r.added).toHaveLength(40);
    expect(r.accepted).toEqual([]);
    expect(w.replica.heads()).toEqual([key(w.joinC)]);
    expect(w.replica.parents().map(toHex)).toEqual([key(w.joinC)]);
    // A write on those parents is valid and the only head.
    const write = await op(w.b.device, w.g.id, w.replica.parents(), deltaBody('b'));
    const after = await w.replica.receive([write]);
    expect(after.accepted.map((c) => c.key)).toEqual([key(write)]);
    expect(w.replica.heads()).toEqual([key(write)]);
  });

  test("a stranger cannot introduce its own keys: a self-delegated device or a self-signed invite is rejected outright", async () => {
    const w = await world();
    const stranger = await person('S', 44);
    // A root that never joined adds "its device"; a key nobody introduced signs an invite for a join.
    const device = await op(stranger.device, w.g.id, [w.joinC], { kind: 'add-device', delegation: stranger.device.delegation });
    const selfInvite = await invite(stranger.device, w.g.id, { role: 'writer', nonce: 9 });
    const other = await person('S2', 45);
    const join = await op(other.device, w.g.id, [w.joinC], joinBody(other.device, selfInvite));
    const r = await w.replica.receive([device, join]);
    expect(r.rejected.map((x) => [x.reason, x.message])).toEqual([
      ['unknown-key', "the new device's root never joined this context in its past"],
      ['unknown-key', "the invite's signer was never introduced to this context in its past"],
    ]);
    expect(r.added).toEqual([]);
    expect(w.replica.refusedBytes()).toBe(0);
  });

  test('more valid heads than an op may name: parents are capped and the rest merge later', async () => {
    const w = await world();
    const concurrent = await Promise.all(Array.from({ length: OP_LIMITS.parents + 5 }, (_, i) => op(w.b.device, w.g.id, [w.joinC], deltaBody(`b${i}`), T0 + 3000 + i)));
    await w.replica.receive(concurrent);
    expect(w.replica.heads()).toHaveLength(OP_LIMITS.parents + 5);
    const first = await op(w.b.device, w.g.id, w.replica.parents(), deltaBody('merge1'));
    expect(first.parents).toHaveLength(OP_LIMITS.parents);
    await w.replica.receive([first]);
    expect(w.replica.heads()).toHaveLength(6);
    const second = await op(w.b.device, w.g.id, w.replica.parents(), deltaBody('merge2'));
    await w.replica.receive([second]);
    expect(w.replica.heads()).toEqual([key(second)]);
  });

  test('with more heads than an op may name, the longest-standing heads are named: ops with lower ids arriving later cannot keep a head out', async () => {
    const w = await world();
    // An early head with a high id (a removal, say), then a stream of concurrent ops whose ids
    // sort below it, as a writer grinding ids would make.
    let early!: Op;
    for (let t = 0; ; t++) {
      early = await op(w.a.device, w.g.id, [w.joinC], { kind: 'set-role', member: w.c.rootId, role: 'writer' }, T0 + 3000 + t);
      if (key(early) >= 'e') break;
    }
    await w.replica.receive([early]);
    const lower: Op[] = [];
    for (let i = 0; lower.length < OP_LIMITS.parents + 8; i++) {
      const o = await op(w.b.device, w.g.id, [w.joinC], deltaBody(`grind${i}`), T0 + 4000 + i);
      if (key(o) < key(early)) lower.push(o);
    }
    await w.replica.receive(lower);
    expect(w.replica.heads()).toHaveLength(OP_LIMITS.parents + 9);
    expect(w.replica.parents().map(toHex)).toContain(key(early));
    expect(w.replica.parents().map(toHex)).toHaveLength(OP_LIMITS.parents);
  });

  test('an op that loses its validity leaves the heads; one already built on stays history', async () => {
    const w = await world();
    // B writes x; A removes B concurrently (both on joinC). B's write becomes invalid.
    const x = await op(w.b.device, w.g.id, [w.joinC], deltaBody('x'));
    await w.replica.receive([x]);
    expect(w.replica.heads()).toEqual([key(x)]);
    const rm = await op(w.a.device, w.g.id, [w.joinC], { kind: 'remove', member: w.b.rootId });
    const r = await w.replica.receive([rm]);
    // The removal joined the history in the same receive that took x out of it: it is stored and relayed.
    expect(r.accepted.map((c) => c.key)).toEqual([key(rm)]);
    expect(w.replica.verdict(key(x))).toMatchObject({ valid: false, reason: 'removed-concurrently' });
    expect(r.rebuilt).toBe(true);
    expect(w.replica.heads()).toEqual([key(rm)]);
    expect(w.replica.inHistory(key(x))).toBe(false);

    // Had A built on x (x valid when A saw it), x stays in the past of A's op.
    const v = await world();
    const y = await op(v.b.device, v.g.id, [v.joinC], deltaBody('y'));
    await v.replica.receive([y]);
    const rmLate = await op(v.a.device, v.g.id, [v.joinC], { kind: 'remove', member: v.b.rootId });
    const onY = await op(v.a.device, v.g.id, [y], deltaBody('a-on-y'));
    await v.replica.receive([onY, rmLate]);
    expect(v.replica.verdict(key(y))?.valid).toBe(false);
    expect(v.replica.inHistory(key(y))).toBe(true);
    expect(v.replica.heads()).toEqual([key(onY), key(rmLate)].sort());
  });

  test("refused ops are kept within their author's byte budget; past it they are rejected, not kept", async () => {
    const w = await world({ refused: { perAuthorBytes: 4096, totalBytes: 1 << 20 }, dag: { maxPendingBytes: 1 << 20, maxPending: 1000 } });
    const refused = await Promise.all(Array.from({ length: 40 }, (_, i) => op(w.c.device, w.g.id, [w.joinC], deltaBody(`c${i}`), T0 + 2000 + i)));
    const r = await w.replica.receive(refused);
    const kept = r.added.length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(40);
    expect(r.rejected.filter((x) => x.reason === 'over-budget')).toHaveLength(40 - kept);
    expect(w.replica.refusedBytes()).toBeLessThanOrEqual(4096);
    expect(w.replica.dag.size()).toBe(3 + kept);
    // Nothing of it is history, and writes go on.
    expect(w.replica.heads()).toEqual([key(w.joinC)]);
  });

  test('the pending set is bounded in bytes, per source, and a source can be forgotten', async () => {
    const w = await world({ refused: { perAuthorBytes: 1 << 20, totalBytes: 1 << 20 }, dag: { maxPendingBytes: 4 * 1024, maxPending: 1000 } });
    const missing = new Uint8Array(32).fill(9);
    const orphans = await Promise.all(Array.from({ length: 60 }, (_, i) => op(w.b.device, w.g.id, [missing], deltaBody(`o${i}`), T0 + 5000 + i)));
    await w.replica.receive(orphans, 'link-x');
    expect(w.replica.dag.pendingBytes()).toBeLessThanOrEqual(4 * 1024);
    expect(w.replica.dag.pendingBytesFrom('link-x')).toBe(w.replica.dag.pendingBytes());
    expect(w.replica.dag.pendingCount()).toBeLessThan(60);
    w.replica.dag.dropPendingFrom('link-x');
    expect(w.replica.dag.pendingCount()).toBe(0);
    expect(w.replica.dag.pendingBytes()).toBe(0);
    expect(w.replica.dag.missing()).toEqual([]);
  });
});
