import { afterEach, describe, expect, test } from 'vitest';
import type { TabnodeNode } from '../createNode.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { testNode, until } from '../testing.ts';
import { memoryMeshHub } from './memoryMesh.ts';

/** Three nodes in one process over memory links: the context scenario end to end, minus browsers. */
const nodes: TabnodeNode[] = [];
const makeNode = async (hub: ReturnType<typeof memoryMeshHub>, name: string) => {
  const node = await testNode(hub, name);
  nodes.push(node);
  return node;
};

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

describe('contexts across three nodes', () => {
  test('invite, join, write, reject, remove', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const [a, b, c] = [await makeNode(hub, 'A'), await makeNode(hub, 'B'), await makeNode(hub, 'C')];
    const id = await a.contexts.create('Team');
    await a.contexts.open(id).write({ method: 'set', args: { key: 'greeting', value: 'hello' } });

    const linkB = await a.contexts.open(id).invite({ role: 'writer' });
    const linkC = await a.contexts.open(id).invite({ role: 'reader' });
    expect(await b.contexts.previewInvite(linkB)).toMatchObject({ ok: true, contextName: 'Team', role: 'writer' });
    await b.contexts.join(linkB);
    await c.contexts.join(linkC);

    for (const n of [a, b, c]) {
      await until('three members everywhere', async () => (await n.contexts.open(id).view()).members.length === 3);
    }
    // Settled once its device holds the key too (its own grant may come a moment after the members).
    expect(await b.contexts.open(id).whenSettled(15_000)).toBe(true);
    const bView = await b.contexts.open(id).view();
    expect(bView.myRole).toBe('writer');
    expect(bView.joining).toBe(false);
    expect(bView.kv).toEqual([['greeting', 'hello']]);

    expect(await b.contexts.open(id).write({ method: 'set', args: { key: 'from-b', value: 1 } })).toMatchObject({ valid: true });
    const cWrite = await c.contexts.open(id).write({ method: 'set', args: { key: 'from-c', value: 2 } });
    expect(cWrite).toMatchObject({ valid: false, reason: 'insufficient-role' });
    for (const n of [a, b, c]) {
      await until('the writer’s value and the reader’s refusal everywhere', async () => {
        const v = await n.contexts.open(id).view();
        return v.kv.some(([k]) => k === 'from-b') && v.invalidOps.some((o) => o.key === cWrite.key && o.reason === 'insufficient-role');
      });
      expect((await n.contexts.open(id).view()).kv.map(([k]) => k)).toEqual(['from-b', 'greeting']);
    }

    const bRoot = (await b.identity.status()).root!.id;
    expect(await a.contexts.open(id).remove(bRoot)).toMatchObject({ valid: true });
    await until('B learns it was removed', async () => !(await b.contexts.open(id).view()).members.some((m) => m.root === bRoot));
    // A peer still admitting B (the removal not stored there yet) would take a late op of B's
    // into its history as invalid; this is about peers that already let B go.
    for (const n of [a, c]) {
      await until('B no longer admitted', async () => !(await n.contexts.open(id).view()).peers.some((p) => p.root === bRoot && p.state === 'verified'));
    }
    const late = await b.contexts.open(id).write({ method: 'set', args: { key: 'late', value: 3 } });
    expect(late.valid).toBe(false);
    // B's node shows its refused write to its peers, who no longer admit B: ignored unread, and said so.
    for (const n of [a, c]) {
      await until('B’s late write ignored', async () => (await n.contexts.open(id).view()).rejected.some((r) => r.reason === 'not-admitted'));
      expect((await n.contexts.open(id).view()).kv.map(([k]) => k)).not.toContain('late');
      expect((await n.contexts.open(id).view()).invalidOps.some((o) => o.key === late.key)).toBe(false);
    }

    // Checkpoints agree between the remaining members.
    await until('checkpoints agree', async () => (await a.contexts.open(id).view()).checkpoints.some((cp) => cp.comparison === 'agree'), 15_000);
    expect((await a.contexts.open(id).view()).alerts.filter((al) => al.kind === 'divergence')).toEqual([]);
  }, 40_000);

  test('verifiable execution: members re-run recorded calls and flag a delta that does not match', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const [a, b] = [await makeNode(hub, 'A'), await makeNode(hub, 'B')];
    const id = await a.contexts.create('Audited', { verifiable: true });
    await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
    await until('B joined', async () => !(await b.contexts.open(id).view()).joining);

    const honest = await b.contexts.open(id).call('set', { key: 'x', value: 1 });
    expect(honest.op?.valid).toBe(true);
    const confirmed = await until('A re-runs B’s call', async () => (await a.contexts.open(id).verifications()).find((v) => v.opKey === honest.op!.key));
    expect(confirmed.result).toBe('confirmed');

    // B signs an update that sets x to 666 but records a call that sets it to 2.
    const base = new (await import('yjs')).Doc();
    let forged: Uint8Array = new Uint8Array();
    base.on('update', (u: Uint8Array) => (forged = u));
    base.getMap('state').set('x', 666);
    const lie = await b.contexts.open(id).publishRawDelta({ update: forged, call: { method: 'set', input: new TextEncoder().encode(JSON.stringify({ key: 'x', value: 2 })) } });
    const flagged = await until('A flags the lie', async () => (await a.contexts.open(id).verifications()).find((v) => v.opKey === lie.key));
    expect(flagged.result).toBe('mismatch');
    expect((await a.contexts.open(id).view()).alerts.some((al) => al.kind === 'verification')).toBe(true);
    // The alert names the author as people know it (B's device label), not by its raw root id.
    const bRoot = (await b.identity.status()).root!.id;
    const verificationAlert = (await a.contexts.open(id).view()).alerts.find((al) => al.kind === 'verification')!;
    expect(verificationAlert.message).toMatch(/^a set call by B does not match its recorded call/);
    expect(verificationAlert.message).not.toContain(bRoot.slice(0, 16));
    const audit = await a.contexts.open(id).audit();
    // Contexts made by the node are encrypted: the delta travels sealed, and members read its call after opening it.
    expect(audit.find((e) => e.key === honest.op!.key)).toMatchObject({ kind: 'sealed-delta', call: 'set', verification: 'confirmed', device: 'B' });
  }, 30_000);
});
