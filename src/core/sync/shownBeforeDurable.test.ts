import { expect, test } from 'vitest';
import { deltaBody, genesis, invite, joinBody, op, person, T0 } from '../context/testkit.ts';
import { inlineBatchVerifier, type BatchVerifier } from '../crypto/batchVerifier.ts';
import type { CheckedOp } from '../governance/checkedOp.ts';
import { memoryLinkPair } from '../mesh/memoryLink.ts';
import { simScheduler } from '../mesh/simScheduler.ts';
import { idKey } from '../ops/op.ts';
import type { SyncEvent } from './contextSync.ts';
import { syncNode } from './testkit.ts';

const flush = async (rounds = 6) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
};

/** A store whose writes can be held open: puts wait until released. */
function heldStore() {
  const stored = new Set<string>();
  let release: (() => void) | null = null;
  let held: Promise<void> | null = null;
  return {
    stored,
    hold() {
      held = new Promise((r) => (release = r));
    },
    release() {
      release?.();
      held = null;
    },
    async persist(ops: CheckedOp[]): Promise<void> {
      if (held) await held;
      for (const c of ops) stored.add(c.key);
    },
  };
}

/** A owns the context; B and C joined. B sits between A and C: C hears of A's ops only through B. */
async function chain(bOptions: { signatures?: BatchVerifier; persist?(ops: CheckedOp[], how: { received: boolean }): Promise<void> } = {}) {
  const [a, b, c] = await Promise.all([person('A', 901), person('B', 902), person('C', 903)]);
  const g = await genesis(a);
  const joinB = await op(b.device, g.id, [g], joinBody(b.device, await invite(a.device, g.id, { nonce: 1 })), T0 + 100);
  const joinC = await op(c.device, g.id, [joinB], joinBody(c.device, await invite(a.device, g.id, { nonce: 2 })), T0 + 200);
  const scheduler = simScheduler(T0 + 60_000);
  const store = heldStore();
  const bEvents: SyncEvent[] = [];
  const A = syncNode(a, g.id, scheduler);
  const B = syncNode(b, g.id, scheduler, { persist: bOptions.persist ?? ((ops) => store.persist(ops)), onChange: (e) => void bEvents.push(e), ...(bOptions.signatures ? { proofs: { signatures: bOptions.signatures } } : {}) });
  const C = syncNode(c, g.id, scheduler);
  for (const n of [A, B, C]) await n.sync.publish([g, joinB, joinC]);
  const ab = memoryLinkPair({ scheduler, names: ['A', 'B'] });
  const bc = memoryLinkPair({ scheduler, names: ['B', 'C'] });
  A.sync.addLink(ab.a);
  B.sync.addLink(ab.b);
  B.sync.addLink(bc.a);
  C.sync.addLink(bc.b);
  const settle = async () => {
    for (let i = 0; i < 20; i++) {
      scheduler.advance(50);
      await flush();
    }
  };
  await settle();
  return { a, b, g, A, B, C, store, bEvents, settle, stop: () => [A, B, C].forEach((n) => n.sync.stop()) };
}

test("a received op shows in the receiver's state before its store has it; it is relayed only once stored", async () => {
  const { a, g, A, B, C, store, bEvents, settle, stop } = await chain();
  store.hold();
  const write = await op(a.device, g.id, A.replica.parents(), deltaBody('from A'), T0 + 1000);
  await A.sync.publish([write]);
  await settle();
  const key = idKey(write.id);
  // Shown: in B's state and history, announced to B's views; not durable, not relayed.
  expect(B.sink.applied.get(key)).toBe('from A');
  expect(B.replica.inHistory(key)).toBe(true);
  expect(bEvents.some((e) => e.kind === 'shown')).toBe(true);
  expect(bEvents.some((e) => e.kind === 'ops' && e.result.accepted.some((c) => c.key === key))).toBe(false);
  expect(store.stored.has(key)).toBe(false);
  expect(C.replica.hasOp(key)).toBe(false);
  store.release();
  await settle();
  expect(store.stored.has(key)).toBe(true);
  expect(bEvents.some((e) => e.kind === 'ops' && e.result.accepted.some((c) => c.key === key))).toBe(true);
  expect(C.sink.applied.get(key)).toBe('from A');
  stop();
}, 30_000);

test("the writer's op goes to its peers at once, while its call resolves only once the op is durable", async () => {
  const { b, g, A, B, store, bEvents, settle, stop } = await chain();
  store.hold();
  const write = await op(b.device, g.id, B.replica.parents(), deltaBody('from B'), T0 + 1000);
  let resolved = false;
  const publishing = B.sync.publish([write]).then(() => (resolved = true));
  await settle();
  const key = idKey(write.id);
  // Propagation does not wait for the writer's store: a crash now loses nothing at A.
  expect(A.sink.applied.get(key)).toBe('from B');
  expect(resolved).toBe(false);
  // The writer's own op is not announced as shown: its call has not resolved yet.
  expect(bEvents.filter((e) => e.kind === 'shown')).toEqual([]);
  const opsSent = () => B.sync.peers().reduce((n, p) => n + p.sent.ops, 0);
  const sentBefore = opsSent();
  store.release();
  await publishing;
  expect(store.stored.has(key)).toBe(true);
  await settle();
  // Sent once: being stored does not push it to its peers again.
  expect(opsSent()).toBe(sentBefore);
  stop();
}, 30_000);

test("the writer's op leaves as it is signed, before the writer's own checks of it", async () => {
  // B's signature checks can be held: while they are, B has not verified its own op.
  let hold: Promise<void> | undefined;
  let release = () => {};
  const signatures: BatchVerifier = {
    name: 'held',
    async verify(checks) {
      if (hold) await hold;
      return inlineBatchVerifier.verify(checks);
    },
  };
  const { b, g, A, B, settle, stop } = await chain({ signatures });
  hold = new Promise((r) => (release = r));
  const write = await op(b.device, g.id, B.replica.parents(), deltaBody('from B'), T0 + 1000);
  let resolved = false;
  const publishing = B.sync.publish([write]).then(() => (resolved = true));
  await settle();
  const key = idKey(write.id);
  expect(B.replica.hasOp(key)).toBe(false);
  expect(A.sink.applied.get(key)).toBe('from B');
  expect(resolved).toBe(false);
  release();
  hold = undefined;
  await publishing;
  expect(B.sink.applied.get(key)).toBe('from B');
  stop();
}, 30_000);

test('the store hears which ops came from a peer (shown already) and which are its own', async () => {
  const heard: { key: string; received: boolean }[] = [];
  const { a, b, g, A, B, settle, stop } = await chain({ persist: async (ops, how) => void heard.push(...ops.map((c) => ({ key: c.key, received: how.received }))) });
  const fromA = await op(a.device, g.id, A.replica.parents(), deltaBody('from A'), T0 + 1000);
  await A.sync.publish([fromA]);
  await settle();
  const fromB = await op(b.device, g.id, B.replica.parents(), deltaBody('from B'), T0 + 2000);
  await B.sync.publish([fromB]);
  const keys = [idKey(fromA.id), idKey(fromB.id)];
  expect(heard.filter((h) => keys.includes(h.key))).toEqual([
    { key: idKey(fromA.id), received: true },
    { key: idKey(fromB.id), received: false },
  ]);
  stop();
}, 30_000);
