// Named attacks (docs/attacks.md): getting in, staying in, or acting above one's role.
import { describe, expect, test } from 'vitest';
import { deltaBody, joinBody, newDevice, op, revokeKeyBody } from '../../core/context/testkit.ts';
import { inviteLink, signInvite } from '../../core/invitation/index.ts';
import { encodeOp } from '../../core/ops/op.ts';
import { memoryMeshHub } from '../contexts/memoryMesh.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { testNode, until } from '../testing.ts';
import { becomeMember } from './tactics.ts';
import { attackWorld, stagedPerTest } from './world.ts';

const staged = stagedPerTest();

const hex = (h: string) => Buffer.from(h, 'hex');

describe('attack: membership', () => {
  test('a removed member cannot come back with the remaining use of its invite, and reads nothing written after', async () => {
    const w = staged(await attackWorld());
    const first = await becomeMember(w, 'writer', { maxUses: 2 });
    expect(await w.a.contexts.open(w.id).remove(w.x.rootId)).toMatchObject({ valid: true });
    await w.a.contexts.open(w.id).write({ method: 'set', args: { key: 'secret-after-removal', value: 1 } });
    first.link.close('leaving');
    // A new session presenting the same invite (one use left).
    const again = (await w.attack(w.x.device, { credential: { kind: 'invite', invite: first.invite }, name: 'X2' })).get('A')!;
    const refused = await again.next('refused');
    expect(refused).toMatchObject({ code: 'bad-invite', reason: 'the invite was revoked' });
    // Its own join op, made anyway, is ignored unread.
    const heads = (await w.a.contexts.open(w.id).view()).heads.map(hex);
    await again.send({ kind: 'ops', ops: [encodeOp(await op(w.x.device, w.contextId, heads, joinBody(w.x.device, first.invite), Date.now()))] });
    await until('A says it ignored the ops', async () => (await w.a.contexts.open(w.id).view()).peers.some((p) => p.ignoredOps > 0));
    expect(again.received.some((m) => m?.kind === 'ops')).toBe(false);
    expect((await w.a.contexts.open(w.id).view()).members.some((m) => m.root === w.x.rootId)).toBe(false);
  }, 30_000);

  test("a removed member's writes are ignored with the reason shown", async () => {
    const w = staged(await attackWorld());
    const toA = await becomeMember(w, 'writer');
    await w.a.contexts.open(w.id).remove(w.x.rootId);
    await until('A refuses X now', async () => (await w.a.contexts.open(w.id).view()).peers.some((p) => p.state === 'refused' && p.root === w.x.rootId));
    const heads = (await w.a.contexts.open(w.id).view()).heads.map(hex);
    await toA.send({ kind: 'ops', ops: [encodeOp(await op(w.x.device, w.contextId, heads, deltaBody('after-removal'), Date.now()))] });
    const peer = await until('A ignored it', async () => (await w.a.contexts.open(w.id).view()).peers.find((p) => p.ignoredOps > 0));
    expect(peer.refusal).toMatch(/not a member|revoked/);
    expect((await w.a.contexts.open(w.id).view()).rejected.some((r) => r.reason === 'not-admitted')).toBe(true);
    expect((await w.a.contexts.open(w.id).view()).kv.map(([k]) => k)).not.toContain('after-removal');
  }, 30_000);

  test('a revoked key is refused at the handshake and its writes are not taken', async () => {
    const w = staged(await attackWorld());
    const toA = await becomeMember(w, 'writer');
    const heads = (await w.a.contexts.open(w.id).view()).heads.map(hex);
    const revoke = await op(w.x.device, w.contextId, heads, await revokeKeyBody(w.x.root, w.x.device), Date.now());
    await toA.send({ kind: 'ops', ops: [encodeOp(revoke)] });
    await until('A sees the key revoked', async () => (await w.a.contexts.open(w.id).view()).members.some((m) => m.devices.some((d) => d.revoked)));
    const write = await op(w.x.device, w.contextId, [revoke.id], deltaBody('by-revoked-key'), Date.now());
    await toA.send({ kind: 'ops', ops: [encodeOp(write)] });
    const peer = await until('A refuses the revoked key', async () => (await w.a.contexts.open(w.id).view()).peers.find((p) => p.root === w.x.rootId && p.state === 'refused'));
    expect(peer.refusal).toMatch(/revoked/);
    expect((await w.a.contexts.open(w.id).view()).kv.map(([k]) => k)).not.toContain('by-revoked-key');
  }, 30_000);

  test('role escalation: a writer making itself admin is refused with the reason, and stays a writer', async () => {
    const w = staged(await attackWorld());
    const toA = await becomeMember(w, 'writer');
    const heads = (await w.a.contexts.open(w.id).view()).heads.map(hex);
    const escalate = await op(w.x.device, w.contextId, heads, { kind: 'set-role', member: w.x.rootId, role: 'admin' }, Date.now());
    await toA.send({ kind: 'ops', ops: [encodeOp(escalate)] });
    const shown = await until('A shows the refusal', async () => (await w.a.contexts.open(w.id).view()).invalidOps.find((o) => o.kind === 'set-role'));
    expect(shown.reason).toBe('insufficient-role');
    expect((await w.a.contexts.open(w.id).view()).members.find((m) => m.root === w.x.rootId)?.role).toBe('writer');
  }, 30_000);

  test('invite reuse: a one-use invite, already used, is refused at the handshake and its join does not count', async () => {
    const w = staged(await attackWorld());
    const x = await becomeMember(w, 'writer');
    const other = await newDevice(w.x.root, 'stolen link');
    // Someone else with the same link (a second root, here a second key of a fresh root).
    const y = (await import('../../core/context/testkit.ts')).person('Y', 4242);
    const yp = await y;
    const toA = (await w.attack(yp.device, { credential: { kind: 'invite', invite: x.invite }, name: 'Y' })).get('A')!;
    expect(await toA.next('refused')).toMatchObject({ code: 'bad-invite', reason: 'the invite was used up' });
    void other;
    expect((await w.a.contexts.open(w.id).view()).members.some((m) => m.root === yp.rootId)).toBe(false);
  }, 30_000);

  test('an expired invite: the join page says so, and a raw join is refused at the handshake', async () => {
    const w = staged(await attackWorld());
    const link = await w.a.contexts.open(w.id).invite({ role: 'writer', expiresInMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    const preview = await w.b.contexts.previewInvite(link);
    expect(preview).toMatchObject({ ok: false });
    expect(preview.ok === false && preview.problem).toMatch(/expired/);
    const { parseInviteLink } = await import('../../core/invitation/index.ts');
    const toA = (await w.attack(w.x.device, { credential: { kind: 'invite', invite: parseInviteLink(link) } })).get('A')!;
    expect((await toA.next('refused')).reason).toMatch(/expired/);
  }, 30_000);

  test('a tampered invite (role raised to admin) is refused: the join page and every member say its signature is wrong', async () => {
    const w = staged(await attackWorld());
    const { parseInviteLink } = await import('../../core/invitation/index.ts');
    const invite = parseInviteLink(await w.a.contexts.open(w.id).invite({ role: 'reader' }));
    const tampered = { ...invite, claims: { ...invite.claims, role: 'admin' as const } };
    const preview = await w.b.contexts.previewInvite(inviteLink('http://127.0.0.1:8080', tampered));
    expect(preview.ok === false && preview.problem).toMatch(/altered|signed/);
    const toA = (await w.attack(w.x.device, { credential: { kind: 'invite', invite: tampered } })).get('A')!;
    expect((await toA.next('refused')).reason).toMatch(/altered|signed/);
    // An invite signed by a key that is no admin's is refused too.
    const forged = await signInvite(w.x.device.signer, { ...invite.claims, role: 'admin' });
    const toB = (await w.attack(w.x.device, { credential: { kind: 'invite', invite: forged }, name: 'X3' })).get('B')!;
    expect((await toB.next('refused')).reason).toMatch(/not made by a current admin/);
  }, 30_000);

  test("a member unknown to a peer's history gets in with the invite it joined with", async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const [a, b, c] = [await testNode(hub, 'A'), await testNode(hub, 'B'), await testNode(hub, 'C')];
    staged(a); staged(b); staged(c);
    const id = await a.contexts.create('Stale views');
    const linkB = await a.contexts.open(id).invite({ role: 'writer' });
    const linkC = await a.contexts.open(id).invite({ role: 'writer' });
    await b.contexts.join(linkB);
    await until('B joined', async () => !(await b.contexts.open(id).view()).joining);
    await a.contexts.open(id).setOnline(false);
    await c.contexts.join(linkC);
    await until('C joined through B', async () => !(await c.contexts.open(id).view()).joining);
    await b.contexts.open(id).setOnline(false);
    await a.contexts.open(id).setOnline(true);
    // A has never seen C's join; C shows it the invite it joined with, and A catches up from C.
    await until('A learns C is a member', async () => (await a.contexts.open(id).view()).members.length === 3, 20_000);
    expect(await c.contexts.open(id).write({ method: 'set', args: { key: 'from-c', value: 1 } })).toMatchObject({ valid: true });
    await until('A has C’s write', async () => (await a.contexts.open(id).view()).kv.some(([k]) => k === 'from-c'));
  }, 40_000);
});
