import { beforeAll, describe, expect, test } from 'vitest';
import { createReplica } from '../context/replica.ts';
import { deltaBody, genesis, invite, joinBody, op, person, recordingSink, T0, type Device, type Person } from '../context/testkit.ts';
import type { ProofOptions } from '../identity/index.ts';
import { decodeOp, encodeOp, idKey, type Op, type OpBody } from '../ops/op.ts';
import { governanceRoot } from '../state/governanceRoot.ts';
import { toHex } from '../crypto/index.ts';
import { APP, bindingFor, ethPerson, memoryRegistry, type EthPerson } from './anchorDoubles.testing.ts';
import { addressBytes, anchoredRevokeBody } from './binding.ts';
import { memberSetRoot } from './memberSetRoot.ts';

/*
 * Anchored contexts (docs/governance.md, Anchoring): the genesis binds a chain registry,
 * and a key revoked on that chain is imported by any member as `anchored-revoke-key`,
 * its evidence checked on chain by every node.
 */

let A: EthPerson; // owner, Ethereum root
let B: EthPerson; // writer, Ethereum root
let C: Person; // reader, local root: only carries the chain's word
let phone: Device; // A's second device, the one lost
const binding = () => bindingFor(A);

beforeAll(async () => {
  A = await ethPerson('A', 1);
  B = await ethPerson('B', 2);
  C = await person('C', 3);
  phone = await A.newDevice('A phone');
});

async function world() {
  const registry = memoryRegistry(binding());
  const g = await genesis(A, 'anchored', T0, [APP], binding());
  const ctx = g.id;
  const base: Op[] = [g];
  const add = async (by: Device, body: OpBody, parents = [base.at(-1)!]) => {
    const o = await op(by, ctx, parents, body, T0 + 1000 + base.length);
    base.push(o);
    return o;
  };
  await add(B.device, joinBody(B.device, await invite(A.device, ctx, { role: 'writer', nonce: 1 })));
  await add(C.device, joinBody(C.device, await invite(A.device, ctx, { role: 'reader', nonce: 2 })));
  await add(phone, { kind: 'add-device', delegation: phone.delegation });
  const proofs: ProofOptions = { anchors: registry.source };
  const replica = (p: ProofOptions = proofs) => createReplica(ctx, recordingSink(), p);
  return { registry, g, ctx, base, add, proofs, replica };
}

const verdictOf = (r: ReturnType<typeof createReplica>, o: Op) => r.verdict(idKey(o.id));

describe('genesis binds the chain', () => {
  test('the binding reaches governance (lowercase), its root and governanceAt', async () => {
    const w = await world();
    const r = w.replica();
    const res = await r.receive(w.base);
    expect(res.rejected).toEqual([]);
    expect(r.governance().anchor).toEqual({ chainId: 31337, registry: binding().registry, owner: A.address });
    expect(r.binding()).toEqual(binding());
    expect(r.governanceAt(idKey(w.g.id))?.anchor).toEqual(binding());
    // The binding is part of the governance root: peers agreeing on governance agree on it.
    const gov = r.governance();
    const { anchor: _, ...unanchored } = gov;
    expect(toHex(governanceRoot(gov))).not.toBe(toHex(governanceRoot(unanchored)));
    // It survives the wire.
    expect(decodeOp(encodeOp(w.g)).body).toEqual(w.g.body);
  });

  test('an owner address that is not the creator, or a creator that is not an Ethereum root, is refused', async () => {
    const squat = await genesis(A, 'squat', T0, [APP], bindingFor(B));
    const r1 = await createReplica(squat.id, recordingSink()).receive([squat]);
    expect(r1.rejected.map((x) => [x.reason, x.message])).toEqual([['bad-anchor', expect.stringMatching(/owner 0x[0-9a-f]+ is not the creator's address/)]]);
    const local = await genesis(C, 'local', T0, [], bindingFor(A));
    const r2 = await createReplica(local.id, recordingSink()).receive([local]);
    expect(r2.rejected.map((x) => [x.reason, x.message])).toEqual([['bad-anchor', expect.stringMatching(/created by an Ethereum \(eip155\) root/)]]);
  });

  test('the owner address matches whatever its case', async () => {
    const g = await genesis(A, 'upper', T0, [APP], { ...binding(), owner: `0x${A.address.slice(2).toUpperCase()}` });
    expect((await createReplica(g.id, recordingSink()).receive([g])).rejected).toEqual([]);
  });
});

describe('anchored-revoke-key: the evidence', () => {
  test('checked on chain: no RPC, no event, or an event that says otherwise refuses the op', async () => {
    const w = await world();
    const event = w.registry.revoke(phone, A.address, true);
    const good = await w.add(C.device, anchoredRevokeBody(event));
    expect((await w.replica().receive(w.base)).rejected).toEqual([]);
    expect(w.registry.calls()).toBe(1);

    const noRpc = await w.replica({}).receive(w.base);
    expect(noRpc.rejected.map((x) => [x.key, x.reason])).toEqual([[idKey(good.id), 'unverifiable']]);
    expect(noRpc.rejected[0]!.message).toMatch(/no RPC for chain 31337/);

    const w2 = await world();
    const body = anchoredRevokeBody(event);
    const lies = [
      { ...body, evidence: { ...body.evidence, asAdmin: false } },
      { ...body, evidence: { ...body.evidence, by: addressBytes(B.address) } },
      { ...body, clientKey: B.device.signer.publicKey },
      { ...body, evidence: { ...body.evidence, blockNumber: body.evidence.blockNumber + 1 } },
    ];
    for (const lie of lies) await w2.add(C.device, lie, [w2.base[3]!]);
    await w2.add(C.device, { ...body, evidence: { ...body.evidence, logIndex: 9 } }, [w2.base[3]!]);
    const res = await w2.replica({ anchors: w.registry.source }).receive(w2.base);
    expect(res.rejected.map((x) => x.reason)).toEqual(['bad-evidence', 'bad-evidence', 'bad-evidence', 'bad-evidence', 'unverifiable']);
    expect(res.rejected[4]!.message).toMatch(/no event at tx/);
  });

  test('an RPC that fails makes the op unverifiable, with the reason', async () => {
    const w = await world();
    await w.add(C.device, anchoredRevokeBody(w.registry.revoke(phone, A.address, true)));
    const res = await w.replica({ anchors: { eventAt: async () => { throw new Error('connection refused'); } } }).receive(w.base);
    expect(res.rejected.map((x) => [x.reason, x.message])).toEqual([['unverifiable', expect.stringMatching(/did not answer.*connection refused/)]]);
  });

  test('a context bound to no chain has no revocations to import', async () => {
    const g = await genesis(C, 'plain');
    const registry = memoryRegistry(binding());
    const imp = await op(C.device, g.id, [g], anchoredRevokeBody(registry.revoke(phone, A.address, true)));
    const res = await createReplica(g.id, recordingSink(), { anchors: registry.source }).receive([g, imp]);
    expect(res.rejected.map((x) => [x.reason, x.message])).toEqual([['bad-evidence', expect.stringMatching(/not anchored/)]]);
  });

  test('an import arriving before the genesis is unverifiable, then taken once the genesis is in', async () => {
    const w = await world();
    const imp = await w.add(C.device, anchoredRevokeBody(w.registry.revoke(phone, A.address, true)));
    const r = w.replica();
    expect((await r.receive([imp])).rejected.map((x) => x.reason)).toEqual(['unverifiable']);
    expect((await r.receive(w.base)).rejected).toEqual([]);
    expect(verdictOf(r, imp)?.valid).toBe(true);
  });
});

describe('anchored-revoke-key: the rules', () => {
  test("an admin's chain revocation, carried by a reader: the key's later and concurrent writes are refused, earlier ones stand", async () => {
    const w = await world();
    const beforeRevocation = await w.add(phone, deltaBody('phone before'));
    const fork = w.base.at(-1)!;
    const imp = await w.add(C.device, anchoredRevokeBody(w.registry.revoke(phone, A.address, true)));
    const concurrent = await op(phone, w.ctx, [fork], deltaBody('phone offline'), T0 + 5000);
    const later = await op(phone, w.ctx, [imp], deltaBody('phone after'), T0 + 6000);
    const readd = await op(phone, w.ctx, [imp], { kind: 'add-device', delegation: phone.delegation }, T0 + 6000);
    const duplicate = await op(B.device, w.ctx, [imp], anchoredRevokeBody(w.registry.revoke(phone, A.address, true)), T0 + 7000);
    const r = w.replica();
    await r.receive([...w.base, concurrent, later, readd, duplicate]);
    expect(verdictOf(r, beforeRevocation)?.valid).toBe(true);
    expect(verdictOf(r, imp)?.valid).toBe(true);
    expect(verdictOf(r, concurrent)).toMatchObject({ valid: false, reason: 'key-revoked-concurrently' });
    expect(verdictOf(r, later)).toMatchObject({ valid: false, reason: 'revoked-key' });
    expect(verdictOf(r, readd)).toMatchObject({ valid: false, reason: 'revoked-key' });
    expect(verdictOf(r, duplicate)).toEqual({ valid: true });
    expect(r.governance().revokedKeys.has(toHex(phone.signer.publicKey))).toBe(true);
  });

  test("a key owner's own chain revocation counts only for its own keys", async () => {
    const w = await world();
    const own = await w.add(C.device, anchoredRevokeBody(w.registry.revoke(phone, A.address, false)));
    const others = await w.add(C.device, anchoredRevokeBody(w.registry.revoke(A.device, B.address, false)));
    const r = w.replica();
    await r.receive(w.base);
    expect(verdictOf(r, own)).toEqual({ valid: true });
    expect(verdictOf(r, others)).toMatchObject({ valid: false, reason: 'not-your-key' });
  });

  test('an admin may revoke on chain a key the context has not seen yet; it can never be added after', async () => {
    const w = await world();
    const spare = await B.newDevice('B spare');
    const imp = await w.add(C.device, anchoredRevokeBody(w.registry.revoke(spare, A.address, true)));
    const concurrentAdd = await op(spare, w.ctx, [w.base[3]!], { kind: 'add-device', delegation: spare.delegation }, T0 + 9000);
    const laterAdd = await op(spare, w.ctx, [imp], { kind: 'add-device', delegation: spare.delegation }, T0 + 9000);
    const r = w.replica();
    await r.receive([...w.base, concurrentAdd, laterAdd]);
    expect(verdictOf(r, imp)).toEqual({ valid: true });
    expect(verdictOf(r, concurrentAdd)).toMatchObject({ valid: false, reason: 'key-revoked-concurrently' });
    expect(verdictOf(r, laterAdd)).toMatchObject({ valid: false, reason: 'revoked-key' });
  });

  test('removing the member who carried it, concurrently, does not undo the chain revocation', async () => {
    const w = await world();
    const fork = w.base.at(-1)!;
    const imp = await w.add(C.device, anchoredRevokeBody(w.registry.revoke(phone, A.address, true)));
    const removeC = await op(A.device, w.ctx, [fork], { kind: 'remove', member: C.rootId }, T0 + 9000);
    const r = w.replica();
    await r.receive([...w.base, removeC]);
    expect(verdictOf(r, imp)).toEqual({ valid: true });
    expect(verdictOf(r, removeC)).toEqual({ valid: true });
    expect(r.governance().revokedKeys.has(toHex(phone.signer.publicKey))).toBe(true);
  });

  test('governanceAt and memberRootAt give the state after an op, only for valid history', async () => {
    const w = await world();
    const joinB = w.base[1]!;
    const r = w.replica();
    await r.receive(w.base);
    const atJoin = r.governanceAt(idKey(joinB.id))!;
    expect([...atJoin.members.keys()].sort()).toEqual([A.rootId, B.rootId].sort());
    expect(r.memberRootAt(idKey(joinB.id))).toBe(memberSetRoot(atJoin));
    expect(r.memberRootAt(idKey(w.base.at(-1)!.id))).toBe(memberSetRoot(r.governance()));
    // A copy: changing it changes nothing in the replica.
    atJoin.members.clear();
    expect(r.governanceAt(idKey(joinB.id))!.members.size).toBe(2);
    expect(r.governanceAt('00'.repeat(32))).toBeUndefined();
    expect(r.hasOp(idKey(joinB.id))).toBe(true);
    expect(r.isValidOp(idKey(joinB.id))).toBe(true);
    expect(r.latestGovernanceKey()).toBe(idKey(w.base.at(-1)!.id));
    expect(r.governanceOutside(idKey(joinB.id))).toBe(2);
    expect(r.governanceOutside(idKey(w.base.at(-1)!.id))).toBe(0);
  });
});
