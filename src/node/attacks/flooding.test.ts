// Named attacks (docs/attacks.md): floods. Each asserts the attack fails, nothing is lost,
// and the victim says what happened.
import { describe, expect, test } from 'vitest';
import { deltaBody, op } from '../../core/context/testkit.ts';
import { encodeOp, idKey } from '../../core/ops/op.ts';
import { SYNC_QUOTAS } from '../../core/sync/quota.ts';
import { until } from '../testing.ts';
import { attackWorld, stagedPerTest, type AttackWorld } from './world.ts';
import { retainedBytes } from './memory.ts';
import { becomeMember, junkOps } from './tactics.ts';

const staged = stagedPerTest();

/** Both members can still write, and each sees the other's write. */
async function membersStillWrite(w: AttackWorld, tag: string): Promise<void> {
  expect(await w.a.contexts.open(w.id).write({ method: 'set', args: { key: `a-${tag}`, value: 1 } })).toMatchObject({ valid: true });
  expect(await w.b.contexts.open(w.id).write({ method: 'set', args: { key: `b-${tag}`, value: 2 } })).toMatchObject({ valid: true });
  for (const n of [w.a, w.b]) {
    await until(`both writes everywhere (${tag})`, async () => {
      const keys = (await n.contexts.open(w.id).view()).kv.map(([k]) => k);
      return keys.includes(`a-${tag}`) && keys.includes(`b-${tag}`);
    });
  }
}

describe('attack: flooding', () => {
  test('head flooding by an outsider: 40 forged ops naming genesis are ignored, not relayed; members write on', async () => {
    const w = staged(await attackWorld());
    const peers = await w.attack(w.x.device);
    const toA = peers.get('A')!;
    expect((await toA.next('refused')).code).toBe('not-a-member');
    await toA.send({ kind: 'ops', ops: await junkOps(w.contextId, 40, [w.contextId]) });
    const shown = await until('A says what it ignored', async () => (await w.a.contexts.open(w.id).view()).rejected.find((r) => r.reason === 'not-admitted'));
    expect(shown.message).toMatch(/not admitted/);
    const view = await w.a.contexts.open(w.id).view();
    expect(view.heads).toHaveLength(1);
    expect(view.invalidOps).toEqual([]);
    await membersStillWrite(w, 'outsider');
    // Nothing of it reached B.
    const b = await w.b.contexts.open(w.id).view();
    expect(b.rejected).toEqual([]);
    expect(b.invalidOps).toEqual([]);
  }, 30_000);

  test("head flooding by a member: 33 ops by throwaway keys are rejected (unknown key), never heads or relayed; past its quota the member is cut off", async () => {
    const w = staged(await attackWorld());
    const toA = await becomeMember(w, 'writer');
    const headsBefore = (await w.a.contexts.open(w.id).view()).heads;
    await toA.send({ kind: 'ops', ops: await junkOps(w.contextId, 33, headsBefore.map((h) => Buffer.from(h, 'hex'))) });
    const shown = await until('A lists them as rejected', async () => (await w.a.contexts.open(w.id).view()).rejected.filter((r) => r.reason === 'unknown-key').length >= 33 || undefined);
    expect(shown).toBe(true);
    expect((await w.a.contexts.open(w.id).view()).heads).toEqual(headsBefore);
    await membersStillWrite(w, 'member');
    expect((await w.b.contexts.open(w.id).view()).rejected).toEqual([]);
    // Keep going: past the rejected-bytes quota the link is closed and an alert raised.
    const big = await junkOps(w.contextId, 8, headsBefore.map((h) => Buffer.from(h, 'hex')), 40_000);
    for (let i = 0; i < Math.ceil(SYNC_QUOTAS.rejectedBytes / (8 * 40_000)) + 1; i++) await toA.send({ kind: 'ops', ops: big });
    const alert = await until('A raised a quota alert', async () => (await w.a.contexts.open(w.id).view()).alerts.find((a) => a.kind === 'quota'));
    expect(alert.message).toMatch(/disconnected/);
    await until('the attacker sees its link closed', async () => toA.link.closed);
    await membersStillWrite(w, 'after-cut');
  }, 60_000);

  test("a member's own refused writes (a reader writing) are shown with their reason, never become heads, never travel further", async () => {
    const w = staged(await attackWorld());
    const toA = await becomeMember(w, 'reader');
    const heads = (await w.a.contexts.open(w.id).view()).heads.map((h) => Buffer.from(h, 'hex'));
    const writes = await Promise.all(Array.from({ length: 40 }, (_, i) => op(w.x.device, w.contextId, heads, deltaBody(`x${i}`), Date.now() + i)));
    await toA.send({ kind: 'ops', ops: writes.map(encodeOp) });
    await until('A shows 40 refused writes', async () => (await w.a.contexts.open(w.id).view()).invalidOps.filter((o) => o.reason === 'insufficient-role').length === 40);
    expect((await w.a.contexts.open(w.id).view()).heads.map((h) => Buffer.from(h, 'hex'))).toEqual(heads);
    await membersStillWrite(w, 'reader');
    expect((await w.b.contexts.open(w.id).view()).invalidOps.some((o) => writes.some((x) => idKey(x.id) === o.key))).toBe(false);
  }, 30_000);

  test('pending memory flood: 100 MB of ops whose parents never come stay bounded, and the member is cut off', async () => {
    const w = staged(await attackWorld());
    const toA = await becomeMember(w, 'writer');
    const before = await retainedBytes();
    const nowhere = [new Uint8Array(32).fill(0xee)];
    for (let i = 0; i < 30 && !toA.link.closed; i++) {
      // Four ops of ~860 KB each per message, under the 4 MiB message bound.
      await toA.send({ kind: 'ops', ops: await junkOps(w.contextId, 4, nowhere, 860_000, w.x.device) });
    }
    await until('A cut the member off', async () => (await w.a.contexts.open(w.id).view()).alerts.find((a) => a.kind === 'quota'), 30_000);
    expect((await w.a.contexts.open(w.id).view()).pending).toBe(0);
    const grown = (await retainedBytes()) - before;
    expect(grown).toBeLessThan(2 * SYNC_QUOTAS.pendingBytes);
    await membersStillWrite(w, 'pending');
  }, 90_000);

  test.each([
    ['ops from an outsider (not admitted)', 'outsider'],
    ['ops by keys nobody introduced, from a member', 'unknown-keys'],
    ["a member's own refused ops", 'refused'],
    ['heads and asks naming nothing', 'asks'],
  ] as const)('memory stays bounded under a flood of %s', async (_, kind) => {
    const w = staged(await attackWorld());
    const peer = kind === 'outsider' ? (await w.attack(w.x.device)).get('A')! : await becomeMember(w, kind === 'refused' ? 'reader' : 'writer');
    if (kind === 'outsider') await peer.next('refused');
    const heads = (await w.a.contexts.open(w.id).view()).heads.map((h) => Buffer.from(h, 'hex'));
    const before = await retainedBytes();
    let sent = 0;
    for (let i = 0; i < 12 && !peer.link.closed; i++) {
      if (kind === 'asks') {
        await peer.send({ kind: 'heads', heads: Array.from({ length: 256 }, () => crypto.getRandomValues(new Uint8Array(32))), sample: [], count: 0 });
        await peer.send({ kind: 'want', ids: Array.from({ length: 1024 }, () => crypto.getRandomValues(new Uint8Array(32))) });
        sent += 256 * 32 + 1024 * 32;
        continue;
      }
      // About 2 MB a message: outsiders' and strangers' ops, or the member's own (a reader's writes).
      const ops = await junkOps(w.contextId, 8, heads, 250_000, kind === 'refused' ? w.x.device : undefined);
      await peer.send({ kind: 'ops', ops });
      sent += ops.reduce((n, o) => n + o.length, 0);
    }
    await membersStillWrite(w, `memory-${kind}`);
    const grown = (await retainedBytes()) - before;
    expect(sent).toBeGreaterThan(kind === 'asks' ? 400_000 : 2_000_000);
    // What a flood may leave behind is about its budget (256 KiB of refused ops), whatever it
    // sent (up to 24 MB here, or until it was cut off); the rest of the bound is the noise of
    // a heap measured in a test worker.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  }, 60_000);

  test('amplification: 30 heads naming unknown ids get no more than 4x their bytes back', async () => {
    const w = staged(await attackWorld());
    for (let i = 0; i < 60; i++) await w.a.contexts.open(w.id).write({ method: 'set', args: { key: `k${i}`, value: 'x'.repeat(200) } });
    const toA = await becomeMember(w, 'writer');
    await toA.send({ kind: 'heads', heads: [], sample: [], count: 0 });
    await until('the member caught up', async () => toA.received.filter((m) => m?.kind === 'ops').reduce((n, m) => n + (m as { ops: unknown[] }).ops.length, 0) >= 63);
    await new Promise((r) => setTimeout(r, 300));
    const start = { sent: toA.bytes.sent, received: toA.bytes.received, messages: toA.received.length };
    for (let i = 0; i < 30; i++) await toA.send({ kind: 'heads', heads: [crypto.getRandomValues(new Uint8Array(32))], sample: [], count: 1 });
    await new Promise((r) => setTimeout(r, 1000));
    const asked = toA.bytes.sent - start.sent;
    const answers = toA.received.slice(start.messages).filter((m) => m?.kind !== 'heads' && m?.kind !== 'checkpoint');
    const answeredBytes = toA.bytes.received - start.received;
    expect(asked).toBeGreaterThan(1000);
    // Nothing but A's own periodic heads and checkpoints came back: no ops resent.
    expect(answers).toEqual([]);
    expect(answeredBytes).toBeLessThan(4 * asked);
  }, 40_000);

  test('asking again and again for ops that do not exist gets the asker throttled', async () => {
    const w = staged(await attackWorld());
    const toA = await becomeMember(w, 'writer');
    for (let i = 0; i < 4; i++) await toA.send({ kind: 'want', ids: Array.from({ length: 1024 }, () => crypto.getRandomValues(new Uint8Array(32))) });
    const peer = await until('A throttles the asker', async () => (await w.a.contexts.open(w.id).view()).peers.find((p) => p.throttled));
    expect(peer.throttled).toMatch(/keeps asking/);
    await membersStillWrite(w, 'wants');
  }, 30_000);

  test('a flood of heads (each answer walks the history) is answered at a bounded pace, the newest one last', async () => {
    const w = staged(await attackWorld());
    const toA = await becomeMember(w, 'writer');
    for (let i = 0; i < 300; i++) await toA.send({ kind: 'heads', heads: [], sample: [], count: 0 });
    const peer = await until('A throttles the heads', async () => (await w.a.contexts.open(w.id).view()).peers.find((p) => p.throttled));
    expect(peer.throttled).toMatch(/heads faster/);
    await membersStillWrite(w, 'heads');
  }, 30_000);

  test('a flood of checkpoints and app asks is rate-limited; forged checkpoints change nothing', async () => {
    const w = staged(await attackWorld());
    const toA = await becomeMember(w, 'writer');
    const junk = crypto.getRandomValues(new Uint8Array(400));
    for (let i = 0; i < 200; i++) await toA.send({ kind: 'checkpoint', checkpoint: junk });
    for (let i = 0; i < 50; i++) await toA.send({ kind: 'app-want', hash: new Uint8Array(32) });
    await membersStillWrite(w, 'checkpoints');
    const view = await w.a.contexts.open(w.id).view();
    expect(view.alerts.filter((a) => a.kind === 'divergence')).toEqual([]);
    expect(toA.received.filter((m) => m?.kind === 'app')).toEqual([]);
  }, 30_000);
});
