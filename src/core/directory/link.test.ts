import { describe, expect, test } from 'vitest';
import { newDevice, person, T0, type Device, type Person } from '../context/testkit.ts';
import { toHex } from '../crypto/index.ts';
import { delegationCodec, type RootId } from '../identity/index.ts';
import type { Link } from '../mesh/Link.ts';
import { memoryLinkPair, type MemoryLinkFaults } from '../mesh/memoryLink.ts';
import { seededRandom } from '../mesh/seededRandom.ts';
import { simScheduler, type SimScheduler } from '../mesh/simScheduler.ts';
import { signHandshake } from '../sync/handshake.ts';
import type { Holding } from './answer.ts';
import { answerInfo, askContext, directoryLink, type DirectorySession } from './link.ts';
import { directoryCodec, DIRECTORY_LIMITS, DIRECTORY_PROTOCOL_VERSION, entriesCodec, type DirectoryEntry, type DirectoryMessage } from './messages.ts';
import { directoryRoom } from './room.ts';
import { newRawBoxKey, sealToBoxKey } from '../crypto/index.ts';

const DAY = 86_400_000;

/** A box key's public half from a fixed private key (X25519 takes any 32 bytes). */
const boxKeyOf = async (fill: number) => (await newRawBoxKey(new Uint8Array(32).fill(fill))).publicKey;

// Signature checks finish on the host's thread pool: give them real time to land.
const flush = async (rounds = 6) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
};
async function run(s: SimScheduler, ms: number, step = 50): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    s.advance(step);
    await flush();
  }
}
/** Run until `done()` (at most `ms` of simulated time): many answers mean many seals on the host's thread pool. */
async function runUntil(s: SimScheduler, done: () => boolean, ms = 5_000, step = 50): Promise<void> {
  for (let t = 0; t < ms && !done(); t += step) {
    s.advance(step);
    await flush();
  }
}

let seed = 1;
const bytesFrom = (random: () => number) => (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));

const holding = (n: number, members: RootId[], over: Partial<Holding> = {}): Holding => ({
  id: toHex(new Uint8Array(32).fill(n)),
  name: `context ${n}`,
  secret: new Uint8Array(32).fill(100 + n),
  signaling: [],
  members,
  revokedKeys: new Set(),
  activeAt: n,
  ...over,
});

interface Side {
  session: DirectorySession;
  received: DirectoryEntry[][];
  holdings: Holding[];
}

/** `retryMs`: a perfect link needs no retries; a test counting messages turns them off (the lossy-link test keeps them). */
function side(s: SimScheduler, link: Link, roomRoot: RootId, who: { rootId: RootId; device: Device }, holdings: Holding[] = [], retryMs?: number): Side {
  const received: DirectoryEntry[][] = [];
  const random = seededRandom(seed++);
  const me: Side = { received, holdings, session: undefined! };
  me.session = directoryLink({
    link,
    room: directoryRoom(roomRoot),
    identity: { root: who.rootId, signer: who.device.signer, delegation: who.device.delegation },
    holdings: () => me.holdings,
    onEntries: (entries) => void received.push(entries),
    scheduler: s,
    now: () => s.now(),
    randomBytes: bytesFrom(random),
    ...(retryMs === undefined ? {} : { retryMs }),
  });
  return me;
}

/** The other end of a link, driven by hand: what it received, decoded, and a way to send anything. */
function raw(link: Link) {
  const got: DirectoryMessage[] = [];
  link.onMessage((b) => got.push(directoryCodec.decode(b)));
  return {
    got,
    link,
    send: (m: DirectoryMessage) => link.send(directoryCodec.encode(m)),
    nonceOf: () => (got.find((m) => m.kind === 'hello') as Extract<DirectoryMessage, { kind: 'hello' }>).nonce,
  };
}

const pair = (s: SimScheduler, faults?: MemoryLinkFaults) => memoryLinkPair({ scheduler: s, random: seededRandom(seed++), ...(faults ? { faults } : {}) });

describe('the directory protocol on one link', () => {
  test('a device of the root gets the contexts it is a member of, and only those', async () => {
    const [r, other] = [await person('R', 1), await person('S', 2)];
    const s = simScheduler(T0);
    const p = pair(s);
    const newDeviceOfR = { rootId: r.rootId, device: await newDevice(r.root, 'new laptop', T0 - DAY) };
    // Sealing runs on real WebCrypto while the clock is simulated: under load a retry could fire
    // mid-exchange and (rightly) draw a second answer. This test counts answers, so no retries.
    const asker = side(s, p.a, r.rootId, newDeviceOfR, [], 3_600_000);
    const answerer = side(s, p.b, r.rootId, other, [holding(1, [r.rootId, other.rootId]), holding(2, [other.rootId]), holding(3, [r.rootId])], 3_600_000);
    await runUntil(s, () => asker.received.length >= 1 && answerer.session.info().answersSent >= 1);
    await run(s, 300);
    expect(asker.received).toHaveLength(1);
    expect(asker.received[0]!.map((e) => e.name)).toEqual(['context 1', 'context 3']);
    expect(asker.received[0]![0]!.secret).toEqual(new Uint8Array(32).fill(101));
    expect(answerer.session.info()).toMatchObject({ asking: false, askedBy: { root: r.rootId, label: 'new laptop' }, answersSent: 1 });
    expect(asker.session.info()).toMatchObject({ asking: true, answered: true, entriesReceived: 2, state: 'ready' });
    // Nothing else flows: the answerer of another root does not ask in R's room.
    expect(answerer.received).toEqual([]);
  });

  test('two devices of one root ask and answer on the same link', async () => {
    const r = await person('R', 3);
    const s = simScheduler(T0);
    const p = pair(s);
    const a = side(s, p.a, r.rootId, r, [holding(1, [r.rootId])]);
    const b = side(s, p.b, r.rootId, { rootId: r.rootId, device: await newDevice(r.root, 'phone') }, [holding(2, [r.rootId])]);
    await runUntil(s, () => a.received.length >= 1 && b.received.length >= 1);
    expect(a.received.flat().map((e) => e.name)).toEqual(['context 2']);
    expect(b.received.flat().map((e) => e.name)).toEqual(['context 1']);
  });

  test('a root that is a member of nothing here gets an empty answer; a revoked key gets nothing', async () => {
    const [r, other] = [await person('R', 4), await person('S', 5)];
    const s = simScheduler(T0);
    const p = pair(s);
    const asker = side(s, p.a, r.rootId, r);
    side(s, p.b, r.rootId, other, [holding(1, [other.rootId]), holding(2, [r.rootId], { revokedKeys: new Set([toHex(r.device.signer.publicKey)]) })]);
    await runUntil(s, () => asker.received.length >= 1);
    expect(asker.received).toEqual([[]]);
    expect(asker.session.info().answered).toBe(true);
  });

  test('an answerer sends updated entries when its holdings change, and nothing when they do not', async () => {
    const [r, other] = [await person('R', 6), await person('S', 7)];
    const s = simScheduler(T0);
    const p = pair(s);
    const asker = side(s, p.a, r.rootId, r);
    const answerer = side(s, p.b, r.rootId, other, [holding(1, [r.rootId])]);
    await runUntil(s, () => asker.received.length >= 1);
    answerer.session.update();
    await run(s, 300);
    expect(asker.received).toHaveLength(1);
    answerer.holdings = [...answerer.holdings, holding(2, [r.rootId, other.rootId])];
    answerer.session.update();
    await runUntil(s, () => asker.received.length >= 2);
    expect(asker.received.map((l) => l.map((e) => e.name))).toEqual([['context 1'], ['context 1', 'context 2']]);
  });

  test('a device of another root asking in this room is refused; the link stays', async () => {
    const [r, stranger] = [await person('R', 8), await person('T', 9)];
    const s = simScheduler(T0);
    const p = pair(s);
    const answerer = side(s, p.a, r.rootId, r, [holding(1, [r.rootId])]);
    const peer = raw(p.b);
    const room = directoryRoom(r.rootId);
    const myNonce = new Uint8Array(32).fill(42);
    await peer.send({ kind: 'hello', protocol: DIRECTORY_PROTOCOL_VERSION, room: room.id, nonce: myNonce, gotYours: true });
    await run(s, 100);
    const boxKey = await boxKeyOf(5);
    const signature = await signHandshake(stranger.device.signer, askContext(room.id, boxKey), myNonce, peer.nonceOf());
    await peer.send({ kind: 'ask', key: stranger.device.signer.publicKey, delegation: stranger.device.delegation, boxKey, signature });
    await run(s, 200);
    expect(peer.got.filter((m) => m.kind === 'entries')).toEqual([]);
    expect(peer.got.find((m) => m.kind === 'refused')).toMatchObject({ reason: expect.stringContaining('is not the root of this directory room') });
    expect(p.b.closed).toBe(false);
    expect(answerer.session.info().refused).toContain(stranger.rootId);
  });

  describe('forged asks are refused and the link dropped with a reason', () => {
    async function ask(build: (ctx: { r: Person; room: ReturnType<typeof directoryRoom>; myNonce: Uint8Array; theirNonce: Uint8Array; box: { publicKey: Uint8Array } }) => Promise<DirectoryMessage>, now = T0) {
      const r = await person('R', 10);
      const s = simScheduler(now);
      const p = pair(s);
      side(s, p.a, r.rootId, await person('S', 11), [holding(1, [r.rootId])]);
      const peer = raw(p.b);
      const room = directoryRoom(r.rootId);
      const myNonce = new Uint8Array(32).fill(42);
      await peer.send({ kind: 'hello', protocol: DIRECTORY_PROTOCOL_VERSION, room: room.id, nonce: myNonce, gotYours: true });
      await run(s, 100);
      await peer.send(await build({ r, room, myNonce, theirNonce: peer.nonceOf(), box: { publicKey: await boxKeyOf(6) } }));
      await runUntil(s, () => p.b.closed);
      expect(peer.got.filter((m) => m.kind === 'entries')).toEqual([]);
      expect(p.b.closed).toBe(true);
      return { reason: p.b.closeReason!, refused: peer.got.find((m) => m.kind === 'refused') };
    }
    test('a delegation made for another key', async () => {
      const { reason } = await ask(async ({ r, room, myNonce, theirNonce, box }) => {
        const other = await newDevice(r.root, 'other');
        const signature = await signHandshake(r.device.signer, askContext(room.id, box.publicKey), myNonce, theirNonce);
        return { kind: 'ask', key: r.device.signer.publicKey, delegation: other.delegation, boxKey: box.publicKey, signature };
      });
      expect(reason).toMatch(/not allowed: the delegation is for another key/);
    });

    test('a delegation whose root was swapped for the room’s root', async () => {
      const { reason, refused } = await ask(async ({ r, room, myNonce, theirNonce, box }) => {
        const mallory = await person('M', 12);
        const d = delegationCodec.decode(mallory.device.delegation);
        const forged = delegationCodec.encode({ ...d, claims: { ...d.claims, root: r.rootId } });
        const signature = await signHandshake(mallory.device.signer, askContext(room.id, box.publicKey), myNonce, theirNonce);
        return { kind: 'ask', key: mallory.device.signer.publicKey, delegation: forged, boxKey: box.publicKey, signature };
      });
      expect(reason).toMatch(/not allowed: the signature was not made by/);
      expect(refused).toBeDefined();
    });

    test('a transcript signed for another session (a replay)', async () => {
      const { reason } = await ask(async ({ r, room, myNonce, box }) => {
        const signature = await signHandshake(r.device.signer, askContext(room.id, box.publicKey), myNonce, new Uint8Array(32).fill(1));
        return { kind: 'ask', key: r.device.signer.publicKey, delegation: r.device.delegation, boxKey: box.publicKey, signature };
      });
      expect(reason).toMatch(/not allowed: the peer did not prove it holds its key/);
    });

    test('a box key swapped in the middle (the signature covers it)', async () => {
      const { reason } = await ask(async ({ r, room, myNonce, theirNonce, box }) => {
        const signature = await signHandshake(r.device.signer, askContext(room.id, box.publicKey), myNonce, theirNonce);
        return { kind: 'ask', key: r.device.signer.publicKey, delegation: r.device.delegation, boxKey: await boxKeyOf(9), signature };
      });
      expect(reason).toMatch(/did not prove it holds its key/);
    });

    test('a delegation that has expired at the answerer’s time', async () => {
      const { reason } = await ask(async ({ r, room, myNonce, theirNonce, box }) => {
        const old = await newDevice(r.root, 'old', T0 - 10 * DAY, 5 * DAY);
        const signature = await signHandshake(old.signer, askContext(room.id, box.publicKey), myNonce, theirNonce);
        return { kind: 'ask', key: old.signer.publicKey, delegation: old.delegation, boxKey: box.publicKey, signature };
      });
      expect(reason).toMatch(/not allowed: the delegation expired/);
    });
  });

  test('malformed input closes the link with a reason and throws nothing', async () => {
    const r = await person('R', 13);
    for (const bad of [
      new Uint8Array([1, 2, 3]),
      directoryCodec.encode({ kind: 'hello', protocol: DIRECTORY_PROTOCOL_VERSION, room: new Uint8Array(32), nonce: new Uint8Array(32), gotYours: false }),
      directoryCodec.encode({ kind: 'hello', protocol: 99, room: directoryRoom(r.rootId).id, nonce: new Uint8Array(32), gotYours: false }),
    ]) {
      const s = simScheduler(T0);
      const p = pair(s);
      const a = side(s, p.a, r.rootId, r, [holding(1, [r.rootId])]);
      await p.b.send(bad);
      await run(s, 100);
      expect(p.a.closed).toBe(true);
      expect(a.session.info().state).toBe('closed');
      expect(p.b.closeReason).toMatch(/protocol error|another directory room|unsupported directory protocol/);
    }
  });

  test('an answer that does not open (altered, or not sealed to me) drops the link', async () => {
    const r = await person('R', 14);
    const s = simScheduler(T0);
    const p = pair(s);
    const asker = side(s, p.a, r.rootId, r);
    const peer = raw(p.b);
    await peer.send({ kind: 'hello', protocol: DIRECTORY_PROTOCOL_VERSION, room: directoryRoom(r.rootId).id, nonce: new Uint8Array(32).fill(1), gotYours: true });
    await runUntil(s, () => peer.got.some((m) => m.kind === 'ask'));
    expect(peer.got.some((m) => m.kind === 'ask')).toBe(true);
    await peer.send({ kind: 'entries', box: { enc: await boxKeyOf(2), sealed: new Uint8Array(100) } });
    await runUntil(s, () => p.b.closed);
    expect(asker.received).toEqual([]);
    expect(p.b.closeReason).toMatch(/protocol error: the answer is unusable/);
  });

  describe('only an answer sealed to my ask’s key, for this room, unaltered, opens', () => {
    const entries = [{ context: new Uint8Array(32).fill(1), name: 'context 1', secret: new Uint8Array(32).fill(2), signaling: [] }];

    async function answer(make: (ctx: { boxKey: Uint8Array; roomId: Uint8Array }) => Promise<DirectoryMessage>, times = 1) {
      const r = await person('R', 21);
      const s = simScheduler(T0);
      const p = pair(s);
      const asker = side(s, p.a, r.rootId, r);
      const peer = raw(p.b);
      const room = directoryRoom(r.rootId);
      await peer.send({ kind: 'hello', protocol: DIRECTORY_PROTOCOL_VERSION, room: room.id, nonce: new Uint8Array(32).fill(1), gotYours: true });
      await runUntil(s, () => peer.got.some((m) => m.kind === 'ask'));
      const ask = peer.got.find((m) => m.kind === 'ask') as Extract<DirectoryMessage, { kind: 'ask' }>;
      for (let i = 0; i < times; i++) await peer.send(await make({ boxKey: ask.boxKey, roomId: room.id }));
      await runUntil(s, () => asker.received.length > 0 || p.b.closed);
      if (times > 1) await run(s, 300);
      return { received: asker.received, reason: p.b.closeReason };
    }
    const sealed = (boxKey: Uint8Array, roomId: Uint8Array) => sealToBoxKey(boxKey, entriesCodec.encode(entries), answerInfo(roomId));

    test('sealed to my key for this room: it opens', async () => {
      const { received, reason } = await answer(async ({ boxKey, roomId }) => ({ kind: 'entries', box: await sealed(boxKey, roomId) }));
      expect(received).toEqual([entries]);
      expect(reason).toBeUndefined();
    });

    test('the same entries sent twice (a retransmitted ask answered again) are handed on once', async () => {
      const { received, reason } = await answer(async ({ boxKey, roomId }) => ({ kind: 'entries', box: await sealed(boxKey, roomId) }), 2);
      expect(received).toEqual([entries]);
      expect(reason).toBeUndefined();
    });

    test('sealed for another room', async () => {
      const { received, reason } = await answer(async ({ boxKey }) => ({ kind: 'entries', box: await sealed(boxKey, directoryRoom((await person('S', 22)).rootId).id) }));
      expect(received).toEqual([]);
      expect(reason).toMatch(/protocol error: the answer is unusable: the box does not open/);
    });

    test('sealed to another key', async () => {
      const { received, reason } = await answer(async ({ roomId }) => ({ kind: 'entries', box: await sealed(await boxKeyOf(3), roomId) }));
      expect(received).toEqual([]);
      expect(reason).toMatch(/the box does not open/);
    });

    test('altered on the way', async () => {
      const { received, reason } = await answer(async ({ boxKey, roomId }) => {
        const box = await sealed(boxKey, roomId);
        const altered = box.sealed.slice();
        altered[40]! ^= 1;
        return { kind: 'entries', box: { enc: box.enc, sealed: altered } };
      });
      expect(received).toEqual([]);
      expect(reason).toMatch(/the box does not open/);
    });
  });

  /** A co-member answering R's device, whose side of the link is driven by hand: hello sent, ask built on demand. */
  async function answererOfRawAsker(seed: number) {
    const r = await person('R', seed);
    const s = simScheduler(T0);
    const p = pair(s);
    side(s, p.a, r.rootId, await person('S', seed + 1), [holding(1, [r.rootId])]);
    const peer = raw(p.b);
    const room = directoryRoom(r.rootId);
    const myNonce = new Uint8Array(32).fill(42);
    await peer.send({ kind: 'hello', protocol: DIRECTORY_PROTOCOL_VERSION, room: room.id, nonce: myNonce, gotYours: true });
    await run(s, 100);
    const askWith = async (boxKey: Uint8Array): Promise<DirectoryMessage> => {
      const signature = await signHandshake(r.device.signer, askContext(room.id, boxKey), myNonce, peer.nonceOf());
      return { kind: 'ask', key: r.device.signer.publicKey, delegation: r.device.delegation, boxKey, signature };
    };
    return { s, p, peer, askWith };
  }

  test('an ask whose box key cannot be sealed to (a low-order point) closes the link with a reason', async () => {
    const { s, p, peer, askWith } = await answererOfRawAsker(23);
    // u = 0: every shared secret would be zero.
    await peer.send(await askWith(new Uint8Array(32)));
    await runUntil(s, () => p.b.closed);
    expect(peer.got.filter((m) => m.kind === 'entries')).toEqual([]);
    expect(p.b.closeReason).toMatch(/protocol error: the ask’s box key cannot be sealed to/);
  });

  test('a repeated ask is answered again, up to a bound; past it the link closes', async () => {
    const { s, p, peer, askWith } = await answererOfRawAsker(17);
    const ask = await askWith(await boxKeyOf(5));
    for (let i = 0; i < 3; i++) await peer.send(ask);
    await runUntil(s, () => peer.got.filter((m) => m.kind === 'entries').length >= 3);
    expect(peer.got.filter((m) => m.kind === 'entries')).toHaveLength(3);
    for (let i = 0; i < DIRECTORY_LIMITS.asksPerLink; i++) await peer.send(ask);
    await runUntil(s, () => p.b.closed);
    expect(p.b.closeReason).toMatch(/more than 16 asks on one link/);
  });

  test('an answer nobody asked for is ignored', async () => {
    const [r, other] = [await person('R', 19), await person('S', 20)];
    const s = simScheduler(T0);
    const p = pair(s);
    const notAsking = side(s, p.a, r.rootId, other);
    const peer = raw(p.b);
    await peer.send({ kind: 'hello', protocol: DIRECTORY_PROTOCOL_VERSION, room: directoryRoom(r.rootId).id, nonce: new Uint8Array(32).fill(1), gotYours: true });
    await peer.send({ kind: 'entries', box: { enc: await boxKeyOf(2), sealed: new Uint8Array(100) } });
    await run(s, 200);
    expect(notAsking.received).toEqual([]);
    expect(p.a.closed).toBe(false);
    expect(peer.got.some((m) => m.kind === 'ask')).toBe(false);
  });

  test('over a lossy, duplicating, reordering link the exchange still completes', async () => {
    const [r, other] = [await person('R', 15), await person('S', 16)];
    for (let round = 0; round < 4; round++) {
      const s = simScheduler(T0);
      const p = pair(s, { drop: 0.3, duplicate: 0.2, reorderMs: 80, delayMs: [5, 60] });
      const asker = side(s, p.a, r.rootId, r);
      side(s, p.b, r.rootId, other, [holding(1, [r.rootId])]);
      await run(s, 20_000, 250);
      expect(asker.received.length).toBeGreaterThanOrEqual(1);
      expect(asker.received.at(-1)!.map((e) => e.name)).toEqual(['context 1']);
    }
  }, 30_000);
});
