import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { deltaBody, genesis, invite, joinBody, op, person, T0 } from '../context/testkit.ts';
import { memoryLinkPair } from '../mesh/memoryLink.ts';
import { simScheduler } from '../mesh/simScheduler.ts';
import { encodeOp, type Op } from '../ops/op.ts';
import { CATCH_UP_LIMITS, createCatchUpTracker, type CatchUpProgress } from './catchUp.ts';
import { signHandshake } from './handshake.ts';
import { PROTOCOL_VERSION, syncCodec, type SyncMessage } from './messages.ts';
import { syncNode } from './testkit.ts';

const flush = async (rounds = 6) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
};

/** A context where A holds `n` deltas after B's join; B holds only the genesis and its join. */
async function stage(n: number) {
  const [a, b, m] = await Promise.all([person('A', 901), person('B', 902), person('M', 903)]);
  const g = await genesis(a);
  const joinB = await op(b.device, g.id, [g], joinBody(b.device, await invite(a.device, g.id, { nonce: 1 })), T0 + 100);
  const joinM = await op(m.device, g.id, [joinB], joinBody(m.device, await invite(a.device, g.id, { nonce: 2 })), T0 + 150);
  const deltas: Op[] = [];
  let previous = joinM;
  for (let i = 0; i < n; i++) deltas.push((previous = await op(a.device, g.id, [previous], deltaBody(`k${i}`), T0 + 200 + i)));
  return { a, b, m, g, base: [g, joinB, joinM], deltas };
}

/** Reads B's catch-up on every change of its sync (as the view does), until `done`. */
function watch(read: () => CatchUpProgress | undefined) {
  const seen: CatchUpProgress[] = [];
  return { seen, sample: () => void (read() && seen.push(read()!)) };
}

describe('catch-up progress', () => {
  test('property: the tracker only grows while a peer is ahead, and stays within have ≤ expected ≤ the bound', () => {
    const reading = fc.record({ have: fc.nat(2 ** 40), peers: fc.array(fc.record({ count: fc.option(fc.double(), { nil: undefined }), ahead: fc.boolean() }), { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 40 }), (readings) => {
        const tracker = createCatchUpTracker();
        let last: CatchUpProgress | undefined;
        for (const r of readings) {
          const p = tracker.read(r.have, r.peers);
          if (!r.peers.some((x) => x.ahead)) expect(p).toBeUndefined();
          if (p) {
            expect(p.have).toBeLessThanOrEqual(p.expected);
            expect(p.expected).toBeLessThanOrEqual(CATCH_UP_LIMITS.maxAdvertisedOps);
            expect(Number.isInteger(p.expected)).toBe(true);
            if (last) {
              expect(p.have).toBeGreaterThanOrEqual(last.have);
              expect(p.expected).toBeGreaterThanOrEqual(last.expected);
            }
          }
          last = p;
        }
      }),
    );
  });

  test('a peer catching up 1,500 ops sees progress grow to the advertised total, then end', async () => {
    const s = await stage(1500);
    const scheduler = simScheduler(T0 + 60_000);
    const A = syncNode(s.a, s.g.id, scheduler);
    let B: ReturnType<typeof syncNode> | undefined;
    const progress = watch(() => B?.sync.catchUp());
    B = syncNode(s.b, s.g.id, scheduler, { onChange: progress.sample });
    await A.sync.publish([...s.base, ...s.deltas]);
    await B.sync.publish(s.base);
    const link = memoryLinkPair({ scheduler, names: ['A', 'B'] });
    A.sync.addLink(link.a);
    B.sync.addLink(link.b);
    for (let i = 0; i < 200 && B.replica.historySize() < A.replica.historySize(); i++) {
      scheduler.advance(50);
      await flush();
      progress.sample();
    }
    expect(B.replica.historySize()).toBe(1503);
    expect(progress.seen.length).toBeGreaterThan(1);
    expect(progress.seen.at(-1)?.expected).toBe(1503);
    for (const [i, p] of progress.seen.entries()) {
      expect(p.have).toBeLessThanOrEqual(p.expected);
      if (i) expect(p.have).toBeGreaterThanOrEqual(progress.seen[i - 1]!.have);
    }
    // Once A's heads are all here it is over.
    scheduler.advance(1000);
    await flush();
    expect(B.sync.catchUp()).toBeUndefined();
    A.sync.stop();
    B.sync.stop();
  }, 60_000);

  test('a member advertising a huge history and sending garbage gets a bounded bar, then is cut off; honest catch-up goes on', async () => {
    const s = await stage(300);
    const scheduler = simScheduler(T0 + 60_000);
    const A = syncNode(s.a, s.g.id, scheduler);
    const B = syncNode(s.b, s.g.id, scheduler);
    await A.sync.publish([...s.base, ...s.deltas]);
    await B.sync.publish(s.base);
    // M is a member, but its node lies: heads nobody has, a count of 2^50, then junk ops.
    const bm = memoryLinkPair({ scheduler, names: ['B', 'M'] });
    B.sync.addLink(bm.a);
    let theirNonce: Uint8Array | undefined;
    bm.b.onMessage((bytes) => {
      const m = syncCodec.decode(bytes);
      if (m.kind === 'hello') theirNonce = m.nonce;
    });
    const send = (m: SyncMessage) => bm.b.send(syncCodec.encode(m)).catch(() => undefined);
    const myNonce = new Uint8Array(32).fill(5);
    await send({ kind: 'hello', protocol: PROTOCOL_VERSION, context: s.g.id, nonce: myNonce, time: scheduler.now() });
    scheduler.advance(10);
    await flush();
    await send({ kind: 'auth', key: s.m.device.signer.publicKey, delegation: s.m.device.delegation, credential: { kind: 'member' }, signature: await signHandshake(s.m.device.signer, s.g.id, myNonce, theirNonce!) });
    scheduler.advance(10);
    await flush();
    const fakeHeads = Array.from({ length: 200 }, (_, i) => new Uint8Array(32).fill(i + 1));
    await send({ kind: 'heads', heads: fakeHeads, sample: [], count: 2 ** 50 });
    scheduler.advance(10);
    await flush();
    expect(B.sync.peers().find((p) => p.linkId === bm.a.id)?.state).toBe('verified');
    const bar = B.sync.catchUp()!;
    expect(bar.expected).toBe(CATCH_UP_LIMITS.maxAdvertisedOps);
    expect(bar.have).toBe(3);
    // Garbage in bulk: the link is cut at its rejected-bytes quota, nothing of it is kept.
    const junk = (i: number) => encodeOp({ ...s.deltas[0]!, time: T0 + 10_000 + i, signature: new Uint8Array(64).fill(3) });
    for (let i = 0; i < 10; i++) await send({ kind: 'ops', ops: Array.from({ length: 200 }, (_, j) => junk(i * 200 + j)) });
    const liar = () => B.sync.peers().find((p) => p.linkId === bm.a.id)?.state ?? 'closed';
    for (let i = 0; i < 400 && liar() !== 'closed'; i++) {
      scheduler.advance(50);
      await flush();
    }
    expect(liar()).toBe('closed');
    expect(B.sync.catchUp()).toBeUndefined();
    expect(B.replica.dag.pendingCount()).toBe(0);
    // The honest member still brings B the whole history.
    const ab = memoryLinkPair({ scheduler, names: ['A', 'B'] });
    A.sync.addLink(ab.a);
    B.sync.addLink(ab.b);
    for (let i = 0; i < 100 && B.replica.historySize() < 303; i++) {
      scheduler.advance(50);
      await flush();
    }
    expect(B.replica.historySize()).toBe(303);
    A.sync.stop();
    B.sync.stop();
  }, 60_000);
});
