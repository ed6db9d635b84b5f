import { afterEach, describe, expect, test } from 'vitest';
import { toHex } from '../../core/crypto/index.ts';
import { decodeOp, type Op } from '../../core/ops/op.ts';
import { memoryStore, type Store } from '../../core/store/index.ts';
import type { TabnodeNode } from '../createNode.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { testNode, until } from '../testing.ts';
import { memoryMeshHub } from './memoryMesh.ts';
import { containsBytes } from '../../core/epochs/testkit.ts';
import { readInviteLink } from '../../core/invitation/index.ts';

/** Epoch keys as the node runs them (docs/decisions/epoch-keys.md). */
const nodes: TabnodeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

const text = new TextEncoder();

async function storedOps(store: Store, id: string): Promise<Op[]> {
  return (await store.ops(id)).map((bytes) => decodeOp(bytes));
}

/** Alice (owner) and a joiner with `role` (settled: its device holds the key) in a new context, with their stores. */
async function aliceAndJoiner(joiner = 'Bob laptop', role: 'writer' | 'reader' = 'writer') {
  const [storeA, storeB] = [memoryStore(), memoryStore()];
  const hub = memoryMeshHub(realTimeScheduler);
  const a = await testNode(hub, 'Alice laptop', storeA);
  const b = await testNode(hub, joiner, storeB);
  nodes.push(a, b);
  const id = await a.contexts.create('Team');
  await b.contexts.join(await a.contexts.open(id).invite({ role }));
  await until(`${joiner} settled`, async () => !(await b.contexts.open(id).view()).joining && (await b.contexts.open(id).view()).myRole === role);
  await until(`Alice sees ${joiner}`, async () => (await a.contexts.open(id).view()).members.length === 2);
  return { a, b, id, storeA, storeB };
}

/** Alice (owner) and Bob (writer). */
const aliceAndBob = () => aliceAndJoiner();

describe('epoch keys in the node', () => {
  test('someone else signing in on a profile after a sign-out joins a context the first person is in: new device and box keys, no key in use', async () => {
    const { a, b, id, storeB } = await aliceAndBob();
    const bobKey = toHex((await b.identity.signing()).signer.publicKey);
    await storeB.putPrivate(id, [['bobs-note', new Uint8Array([1, 2, 3])]]);
    await b.identity.signOut();
    await b.identity.useLocalRoot(b.identity.newPhrase(), 'Carol laptop');
    expect(toHex((await b.identity.signing()).signer.publicKey)).not.toBe(bobKey);
    await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
    await until('Carol settled', async () => (await b.contexts.open(id).view()).myRole === 'writer' && !(await b.contexts.open(id).view()).joining, 20_000);
    expect(await b.contexts.open(id).write({ method: 'set', args: { key: 'from-carol', value: 1 } })).toMatchObject({ valid: true });
    await until('Alice reads Carol', async () => (await a.contexts.open(id).view()).kv.some(([k]) => k === 'from-carol'));
    expect((await a.contexts.open(id).view()).members.length).toBe(3);
    // Bob's private storage for the context was his, not Carol's.
    expect(await storeB.privateEntries(id)).toEqual([]);
  }, 40_000);

  test('writes travel and rest sealed; the joiner reads through the key granted to its invite; keys rest wrapped', async () => {
    const [storeA, storeB] = [memoryStore(), memoryStore()];
    const hub = memoryMeshHub(realTimeScheduler);
    const a = await testNode(hub, 'Alice laptop', storeA);
    nodes.push(a);
    const id = await a.contexts.create('Team');
    await a.contexts.open(id).write({ method: 'set', args: { key: 'plan', value: 'open-the-vault-at-dawn' } });
    const b = await testNode(hub, 'Bob laptop', storeB);
    nodes.push(b);
    await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
    await until('Bob reads the state', async () => (await b.contexts.open(id).view()).kv.some(([k, v]) => k === 'plan' && v === 'open-the-vault-at-dawn'));
    // The invite's key let Bob read before his join op is valid; he writes once he is a member.
    await until('Bob settled', async () => (await b.contexts.open(id).view()).myRole === 'writer');
    const reply = await b.contexts.open(id).write({ method: 'set', args: { key: 'reply', value: 'bring-the-lantern' } });
    expect(reply).toMatchObject({ valid: true });
    await until('Alice reads the reply', async () => (await a.contexts.open(id).view()).kv.some(([k]) => k === 'reply'));

    for (const store of [storeA, storeB]) {
      // Shown is not stored yet: a node stores a peer's ops right after showing them.
      const ops = await until('both writes stored', async () => {
        const stored = await storedOps(store, id);
        return stored.filter((o) => o.body.kind === 'sealed-delta').length >= 2 && stored;
      });
      expect(ops.some((o) => o.body.kind === 'delta')).toBe(false);
      for (const bytes of await store.ops(id)) {
        for (const secret of ['open-the-vault-at-dawn', 'bring-the-lantern']) expect(containsBytes(bytes, text.encode(secret))).toBe(false);
      }
      const keys = await store.epochKeys(id);
      expect(keys.map((k) => k.keyOp)).toContain(id);
      // Wrapped by the profile's vault: not the raw 32 bytes.
      for (const k of keys) expect(k.wrapped.length).toBeGreaterThan(32);
    }
  }, 30_000);

  test('the invite box secret rests sealed by the vault in the context record while joining (review N7)', async () => {
    const storeA = memoryStore();
    const inner = memoryStore();
    const kept: Uint8Array[] = [];
    const storeB = new Proxy(inner, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (prop === 'putContext') {
          return async (record: Parameters<Store['putContext']>[0]) => {
            if (record.inviteBoxSecret) kept.push(record.inviteBoxSecret);
            return target.putContext(record);
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const hub = memoryMeshHub(realTimeScheduler);
    const a = await testNode(hub, 'Alice laptop', storeA);
    nodes.push(a);
    const id = await a.contexts.create('Team');
    await a.contexts.open(id).write({ method: 'set', args: { key: 'plan', value: 'read-through-the-invite' } });
    const link = await a.contexts.open(id).invite({ role: 'writer' });
    const secret = readInviteLink(link).boxSecret!;
    const b = await testNode(hub, 'Bob laptop', storeB);
    nodes.push(b);
    await b.contexts.join(link);
    await until('Bob reads the state', async () => (await b.contexts.open(id).view()).kv.some(([k]) => k === 'plan'));
    await until('Bob settled', async () => (await b.contexts.open(id).view()).myRole === 'writer');
    expect(kept.length).toBeGreaterThan(0);
    for (const k of kept) expect(containsBytes(k, secret)).toBe(false);
    await until('the secret is gone once settled', async () => (await storeB.contexts()).find((c) => c.id === id)?.inviteBoxSecret === undefined);
  }, 30_000);

  test('a joiner whose join is valid before the grant to its invite arrives (a long history) grants its own device as soon as it has it', async () => {
    const [storeA, storeB] = [memoryStore(), memoryStore()];
    const hub = memoryMeshHub(realTimeScheduler);
    const a = await testNode(hub, 'Alice laptop', storeA);
    nodes.push(a);
    const id = await a.contexts.create('Team');
    // Several answers (1 MiB each) of history before the invite: the grant to the invite,
    // its newest op, comes in a later part than the ops Bob's join can be judged on.
    for (let i = 0; i < 80; i++) await a.contexts.open(id).write({ method: 'set', args: { key: `page${i}`, value: 'x'.repeat(60_000) } });
    const link = await a.contexts.open(id).invite({ role: 'writer' });
    const b = await testNode(hub, 'Bob laptop', storeB);
    nodes.push(b);
    await b.contexts.join(link);
    await until('Bob settled', async () => !(await b.contexts.open(id).view()).joining);
    const ops = async () => storedOps(storeB, id);
    const bobKey = toHex((await ops()).find((o) => o.body.kind === 'join')!.author);
    const bobBox = (await ops()).flatMap((o) => (o.body.kind === 'join' && o.body.boxKey ? [toHex(o.body.boxKey)] : []))[0]!;
    const grantsToBob = async () => (await ops()).filter((o) => o.body.kind === 'grant-epoch' && !o.body.invite && o.body.boxes.some((x) => toHex(x.to) === bobBox));
    // Bob's own grant, not Alice's fallback for him (which waits 5-10 s).
    await until('Bob’s device granted', async () => (await grantsToBob()).length > 0, 4_000);
    expect((await grantsToBob()).map((o) => toHex(o.author))).toEqual([bobKey]);
    await until('Bob reads the state', async () => (await b.contexts.open(id).view()).kv.length === 80);
    await until('the invite box secret is gone', async () => (await storeB.contexts()).find((c) => c.id === id)?.inviteBoxSecret === undefined);
  }, 30_000);

  test('removing a member rotates at once; the new key is sealed to everyone but the removed device', async () => {
    const { a, b, id, storeA, storeB } = await aliceAndBob();
    const bRoot = (await b.identity.status()).root!.id;
    const bBox = (await storedOps(storeB, id)).flatMap((o) => (o.body.kind === 'join' && o.body.boxKey ? [toHex(o.body.boxKey)] : []))[0];
    expect(bBox).toBeDefined();

    expect(await a.contexts.open(id).remove(bRoot)).toMatchObject({ valid: true });
    await a.contexts.open(id).write({ method: 'set', args: { key: 'after', value: 'not-for-bob' } });
    const opsA = await storedOps(storeA, id);
    const rotations = opsA.filter((o) => o.body.kind === 'rotate-epoch');
    expect(rotations.length).toBe(1);
    const rotation = rotations[0]!;
    if (rotation.body.kind !== 'rotate-epoch') throw new Error('unreachable');
    expect(rotation.body.epoch).toBe(1);
    const recipients = rotation.body.boxes.map((x) => toHex(x.to));
    expect(recipients).not.toContain(bBox);
    expect(recipients.length).toBe(1);
    // What A wrote after the removal is under the new key, which B's node never got.
    const after = opsA.filter((o) => o.body.kind === 'sealed-delta' && toHex(o.body.keyOp) === toHex(rotation.id));
    expect(after.length).toBe(1);
    expect((await storeB.epochKeys(id)).map((k) => k.keyOp)).not.toContain(toHex(rotation.id));
    expect((await a.contexts.open(id).view()).kv).toContainEqual(['after', 'not-for-bob']);
  }, 30_000);

  test('a member who leaves never rotates; the others do after a short wait', async () => {
    const { b, id, storeA, storeB } = await aliceAndBob();
    expect(await b.contexts.open(id).leave()).toMatchObject({ valid: true });
    const rotation = await until('Alice rotated', async () => (await storedOps(storeA, id)).find((o) => o.body.kind === 'rotate-epoch'), 10_000);
    expect(toHex(rotation.author)).not.toBe(toHex((await storedOps(storeB, id)).find((o) => o.body.kind === 'join')!.author));
    expect((await storedOps(storeA, id)).filter((o) => o.body.kind === 'rotate-epoch')).toHaveLength(1);
  }, 30_000);

  test("a reader's node posts no key op (its role cannot sign one): a writer grants the reader's own device instead", async () => {
    const { a, id, storeA, storeB: storeC } = await aliceAndJoiner('Carol laptop', 'reader');
    const carolBox = (await storedOps(storeC, id)).flatMap((o) => (o.body.kind === 'join' && o.body.boxKey ? [toHex(o.body.boxKey)] : []))[0]!;
    // Alice's fallback grant (5-10 s) boxes the key to Carol's device; Carol never tried to.
    await until('Carol’s device granted', async () => (await storedOps(storeA, id)).some((o) => o.body.kind === 'grant-epoch' && !o.body.invite && o.body.boxes.some((x) => toHex(x.to) === carolBox)), 15_000);
    const carolKey = (await storedOps(storeC, id)).find((o) => o.body.kind === 'join')!.author;
    for (const store of [storeA, storeC]) {
      const byCarol = (await storedOps(store, id)).filter((o) => toHex(o.author) === toHex(carolKey));
      expect(byCarol.map((o) => o.body.kind)).toEqual(['join']);
    }
    expect((await a.contexts.open(id).view()).invalidOps).toEqual([]);
  }, 30_000);
});
