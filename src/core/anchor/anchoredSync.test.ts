import { describe, expect, test } from 'vitest';
import { deltaBody, genesis, invite, joinBody, op, person, T0 } from '../context/testkit.ts';
import { toHex } from '../crypto/index.ts';
import { memoryLinkPair } from '../mesh/memoryLink.ts';
import { seededRandom } from '../mesh/seededRandom.ts';
import { simScheduler } from '../mesh/simScheduler.ts';
import { idKey, type Op } from '../ops/op.ts';
import { syncNode } from '../sync/testkit.ts';
import { APP, bindingFor, ethPerson, memoryRegistry } from './anchorDoubles.testing.ts';
import { anchoredRevokeBody } from './binding.ts';

/**
 * Simulation over faulty links: A's phone is revoked on chain while it is cut off from
 * A and C, but still talks to B, which has not heard of the revocation and takes (and
 * builds on) the phone's writes. C imports the revocation. When the partition heals,
 * A, B and C converge, and every one of them refuses the phone's writes: the revoking
 * device (A's laptop) never had to reach B.
 */

const flush = async (rounds = 6) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
};

describe('anchored revocation over the network', () => {
  test.each([1, 2, 3])('honest nodes converge and refuse the cut-off device (seed %i)', async (seed) => {
    const A = await ethPerson('A', 21);
    const B = await ethPerson('B', 22);
    const C = await person('C', 23);
    const phone = await A.newDevice('A phone');
    const binding = bindingFor(A);
    const registry = memoryRegistry(binding);
    const g = await genesis(A, 'anchored', T0, [APP], binding);
    const ctx = g.id;
    const joinB = await op(B.device, ctx, [g], joinBody(B.device, await invite(A.device, ctx, { role: 'admin', nonce: 1 })), T0 + 100);
    const joinC = await op(C.device, ctx, [joinB], joinBody(C.device, await invite(A.device, ctx, { role: 'writer', nonce: 2 })), T0 + 200);
    const addPhone = await op(phone, ctx, [joinC], { kind: 'add-device', delegation: phone.delegation }, T0 + 300);
    const base: Op[] = [g, joinB, joinC, addPhone];

    const scheduler = simScheduler(T0 + 60_000);
    const proofs = { anchors: registry.source };
    const nodes = { A: syncNode(A, ctx, scheduler, { proofs }), B: syncNode(B, ctx, scheduler, { proofs }), C: syncNode(C, ctx, scheduler, { proofs }), P: syncNode({ device: phone }, ctx, scheduler, { proofs }) };
    for (const n of Object.values(nodes)) await n.sync.publish(base);
    const random = seededRandom(seed);
    const link = (x: keyof typeof nodes, y: keyof typeof nodes) => {
      const pair = memoryLinkPair({ scheduler, random, faults: { drop: 0.1, duplicate: 0.05, reorderMs: 30, delayMs: [5, 25] }, names: [x, y] });
      nodes[x].sync.addLink(pair.a);
      nodes[y].sync.addLink(pair.b);
      return pair;
    };
    link('A', 'C');
    link('B', 'P');
    const ab = link('A', 'B');
    ab.partition(true);

    // On chain: A revokes its phone as admin. C's node sees the event and imports it.
    const event = registry.revoke(phone, A.address, true);
    const imp = await op(C.device, ctx, nodes.C.replica.parents(), anchoredRevokeBody(event), T0 + 1000);
    await nodes.C.sync.publish([imp]);
    // Meanwhile the phone writes on, and B takes and builds on its writes.
    const phoneWrites: Op[] = [];
    for (let i = 0; i < 3; i++) {
      const w = await op(phone, ctx, nodes.P.replica.parents(), deltaBody(`phone-${seed}-${i}`), T0 + 1100 + i);
      phoneWrites.push(w);
      await nodes.P.sync.publish([w]);
      scheduler.advance(50);
      await flush();
    }
    for (let i = 0; i < 20; i++) {
      scheduler.advance(100);
      await flush();
    }
    expect(nodes.B.replica.isValidOp(idKey(phoneWrites[0]!.id))).toBe(true); // B has not heard yet
    const bWrite = await op(B.device, ctx, nodes.B.replica.parents(), deltaBody(`b-${seed}`), T0 + 1200);
    await nodes.B.sync.publish([bWrite]);

    // The partition heals.
    ab.partition(false);
    for (let i = 0; i < 60; i++) {
      scheduler.advance(100);
      await flush(10);
    }

    const honest = [nodes.A, nodes.B, nodes.C];
    const phoneKey = toHex(phone.signer.publicKey);
    for (const n of honest) {
      expect(n.replica.governance().revokedKeys.has(phoneKey)).toBe(true);
      expect(n.replica.isValidOp(idKey(imp.id))).toBe(true);
      for (const w of phoneWrites) expect(n.replica.verdict(idKey(w.id))).toMatchObject({ valid: false, reason: 'key-revoked-concurrently' });
      expect(n.replica.isValidOp(idKey(bWrite.id))).toBe(true);
      expect([...n.sink.applied.values()].filter((t) => t.startsWith('phone-'))).toEqual([]);
      expect(n.replica.heads()).toEqual(nodes.A.replica.heads());
      expect([...n.sink.applied.keys()].sort()).toEqual([...nodes.A.sink.applied.keys()].sort());
    }
  }, 60_000);
});
