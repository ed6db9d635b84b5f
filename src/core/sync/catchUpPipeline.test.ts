import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { deltaBody, genesis, invite, joinBody, op, person, T0 } from '../context/testkit.ts';
import { memoryLinkPair } from '../mesh/memoryLink.ts';
import { simScheduler } from '../mesh/simScheduler.ts';
import { encodeOp, idKey, type Op, type OpBody } from '../ops/op.ts';
import { signHandshake } from './handshake.ts';
import { PROTOCOL_VERSION, syncCodec, type SyncMessage } from './messages.ts';
import { SYNC_QUOTAS } from './quota.ts';
import { inlineBatchVerifier, type BatchVerifier } from '../crypto/batchVerifier.ts';
import { syncNode } from './testkit.ts';

/** A delta setting `key` to a string of `size` characters. */
function bigDelta(key: string, size: number): OpBody {
  const doc = new Y.Doc();
  let update: Uint8Array = new Uint8Array();
  doc.on('update', (u: Uint8Array) => (update = u));
  doc.getMap('state').set(key, 'x'.repeat(size));
  return { kind: 'delta', writer: 'kv', update, call: undefined, events: [] };
}

const flush = async (rounds = 4) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
};

test('a node catching up asks for the next part of the history as it starts checking the last part it holds', async () => {
  const [a, b] = await Promise.all([person('A', 911), person('B', 912)]);
  const g = await genesis(a);
  const joinB = await op(b.device, g.id, [g], joinBody(b.device, await invite(a.device, g.id, { nonce: 1 })), T0 + 100);
  // Ops of ~60 KB, two and a half answers' worth.
  const history: Op[] = [g, joinB];
  for (let bytes = 0; bytes < 2.5 * SYNC_QUOTAS.answerBytes; bytes += 60_000) {
    history.push(await op(a.device, g.id, [history.at(-1)!], bigDelta(`k${history.length}`, 60_000), T0 + 200 + history.length));
  }
  const scheduler = simScheduler(T0 + 60_000);
  const A = syncNode(a, g.id, scheduler);
  // B's signature checks can be held: B is then stuck checking what it got.
  let held: (() => void)[] | undefined;
  const signatures: BatchVerifier = {
    name: 'held',
    verify: async (checks) => {
      if (held) await new Promise<void>((r) => held!.push(r));
      return inlineBatchVerifier.verify(checks);
    },
  };
  const B = syncNode(b, g.id, scheduler, { proofs: { signatures } });
  await A.sync.publish(history);
  await B.sync.publish([g, joinB]);
  held = [];
  const ab = memoryLinkPair({ scheduler, names: ['A', 'B'] });
  A.sync.addLink(ab.a);
  B.sync.addLink(ab.b);
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      scheduler.advance(10);
      await flush();
    }
  };
  // Well within one anti-entropy period (500 ms in the testkit): no periodic heads help.
  await run(200);
  const opsSentToB = () => A.sync.peers()[0]!.sent.ops;
  // B is stuck checking the first part, and has asked for the second: A sent it.
  expect(B.replica.historySize()).toBe(2);
  expect(held.length).toBeGreaterThan(0);
  let firstPart = 0;
  for (let bytes = 0, i = 2; i < history.length && bytes + encodeOp(history[i]!).length <= SYNC_QUOTAS.answerBytes; i++) {
    bytes += encodeOp(history[i]!).length;
    firstPart++;
  }
  expect(opsSentToB()).toBeGreaterThan(firstPart);
  const released = held;
  held = undefined;
  released.forEach((r) => r());
  await run(200);
  expect(history.every((o) => B.replica.inHistory(idKey(o.id)))).toBe(true);
  A.sync.stop();
  B.sync.stop();
}, 60_000);

test('a peer sending known ops one small message at a time gets no heads (a walk of the history) for each', async () => {
  const [a, b] = await Promise.all([person('A', 921), person('B', 922)]);
  const g = await genesis(a);
  const joinB = await op(b.device, g.id, [g], joinBody(b.device, await invite(a.device, g.id, { nonce: 1 })), T0 + 100);
  const scheduler = simScheduler(T0 + 60_000);
  const A = syncNode(a, g.id, scheduler);
  await A.sync.publish([g, joinB]);
  // B is played by hand: it proves its key, then claims heads A lacks, then sends a known op
  // over and over, one small message at a time.
  const ab = memoryLinkPair({ scheduler, names: ['A', 'B'] });
  let theirNonce: Uint8Array | undefined;
  let headsHeard = 0;
  ab.b.onMessage((bytes) => {
    const m = syncCodec.decode(bytes);
    if (m.kind === 'hello') theirNonce = m.nonce;
    if (m.kind === 'heads') headsHeard++;
  });
  A.sync.addLink(ab.a);
  const send = (m: SyncMessage) => ab.b.send(syncCodec.encode(m));
  const step = async () => {
    scheduler.advance(10);
    await flush();
  };
  const myNonce = new Uint8Array(32).fill(7);
  await send({ kind: 'hello', protocol: PROTOCOL_VERSION, context: g.id, nonce: myNonce, time: scheduler.now() });
  for (let i = 0; i < 5 && !theirNonce; i++) await step();
  await send({ kind: 'auth', key: b.device.signer.publicKey, delegation: b.device.delegation, credential: { kind: 'member' }, signature: await signHandshake(b.device.signer, g.id, myNonce, theirNonce!) });
  for (let i = 0; i < 5; i++) await step();
  expect(A.sync.peers()[0]!.state).toBe('verified');
  await send({ kind: 'heads', heads: [new Uint8Array(32).fill(1)], sample: [], count: 1000 });
  await step();
  const before = headsHeard;
  // 20 messages in 200 ms: under one anti-entropy period (500 ms in the testkit).
  for (let i = 0; i < 20; i++) {
    await send({ kind: 'ops', ops: [encodeOp(g)] });
    await step();
  }
  expect(headsHeard - before).toBeLessThanOrEqual(1);
  // Nothing was refused (the op is known), so there is no reason to show; and A writes on:
  // its next op is accepted and reaches the peer.
  let opsHeard = 0;
  ab.b.onMessage((bytes) => {
    if (syncCodec.decode(bytes).kind === 'ops') opsHeard++;
  });
  const write = await op(a.device, g.id, A.replica.parents(), deltaBody('after the trickle'), T0 + 5000);
  expect((await A.sync.publish([write])).accepted).toHaveLength(1);
  await step();
  expect(opsHeard).toBe(1);
  expect(A.sync.peers()[0]!.state).toBe('verified');
  A.sync.stop();
}, 30_000);
