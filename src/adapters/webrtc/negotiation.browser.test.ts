import { afterEach, describe, expect, test } from 'vitest';
import type { Link } from '../../core/mesh/Link.ts';
import { linkContract } from '../../core/mesh/linkContract.ts';
import { openDataChannelLink } from './dataChannelLink.ts';
import { MAX_PENDING_CANDIDATES, negotiate, type Negotiation } from './negotiation.ts';
import type { Signal } from './roomMessages.ts';

// Two negotiations in this page, their signals passed to each other directly (after
// `delayMs`, in order, as a signaling server would), over loopback with no ICE servers.
const open: Negotiation[] = [];
afterEach(() => open.splice(0).forEach((n) => n.close()));

interface Pair {
  a: Negotiation;
  b: Negotiation;
  /** Resolve with each side's Link once its channel is open. */
  links: Promise<[Link, Link]>;
  /** `${side} ${signal type}` in the order sent. */
  sent: string[];
  failures: string[];
}

/** a is polite. With `lateB`, b is made by a's first signal (as the mesh does for an offer). */
function pair({ delayMs = 0, lateB = false } = {}): Pair {
  const sent: string[] = [];
  const failures: string[] = [];
  const linkA = Promise.withResolvers<Link>();
  const linkB = Promise.withResolvers<Link>();
  let a: Negotiation | undefined;
  let b: Negotiation | undefined;
  const make = (name: 'a' | 'b'): Negotiation => {
    const n = negotiate({
      polite: name === 'a',
      configuration: { iceServers: [] },
      send(signal: Signal) {
        sent.push(`${name} ${signal.type}`);
        setTimeout(() => {
          if (name === 'a' && !b) b = make('b');
          (name === 'a' ? b : a)!.receive(signal);
        }, delayMs);
      },
      onOpen(channel, pc) {
        (name === 'a' ? linkA : linkB).resolve(openDataChannelLink(channel, { peerConnection: pc }));
      },
      onFailed: (reason) => failures.push(`${name}: ${reason}`),
    });
    open.push(n);
    return n;
  };
  a = make('a');
  if (!lateB) b = make('b');
  return {
    get a() {
      return a!;
    },
    get b() {
      return b!;
    },
    links: Promise.all([linkA.promise, linkB.promise]),
    sent,
    failures,
  };
}

linkContract('RTCDataChannel over perfect negotiation', () => pair().links);

describe('perfect negotiation', () => {
  test('both sides offer at once (glare), 100 times in a row: one offer wins every time and the link opens', { timeout: 120_000 }, async () => {
    for (let i = 0; i < 100; i++) {
      // Delays of 0 to 6 ms move the crossing point through the offer's ICE gathering,
      // where a rollback stalled Chromium (see negotiation.ts).
      const p = pair({ delayMs: i % 7 });
      const stalled = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`glare ${i}: no link after 10 s; sent ${p.sent.join(', ')}`)), 10_000));
      const [la, lb] = await Promise.race([p.links, stalled]);
      // Both offered: it was glare, and the polite side (a) gave way by answering.
      expect(p.sent.filter((s) => s.endsWith('offer')).sort()).toEqual(['a offer', 'b offer']);
      expect(p.sent.filter((s) => s.endsWith('answer'))).toEqual(['a answer']);
      const got = new Promise<Uint8Array>((resolve) => lb.onMessage(resolve));
      await la.send(Uint8Array.of(i));
      expect(await got).toEqual(Uint8Array.of(i));
      expect(p.failures).toEqual([]);
      p.a.close();
      p.b.close();
    }
  });

  test('a side made by the first offer answers it without offering itself', async () => {
    const p = pair({ lateB: true });
    await p.links;
    expect(p.sent.filter((s) => !s.endsWith('candidate'))).toEqual(['a offer', 'b answer']);
    expect(p.failures).toEqual([]);
  });

  test('candidates that come before the description wait for it, within a bound', async () => {
    const offerer = new RTCPeerConnection();
    offerer.createDataChannel('probe');
    const offer = await offerer.createOffer();
    // As the mesh does for a first signal: made, then handed what came, all at once.
    const n = negotiate({ polite: true, configuration: { iceServers: [] }, send() {}, onOpen() {}, onFailed() {} });
    open.push(n);
    const pc = n.peerConnection();
    let added = 0;
    const addIceCandidate = pc.addIceCandidate.bind(pc);
    pc.addIceCandidate = ((c: RTCIceCandidateInit) => {
      added++;
      return addIceCandidate(c);
    }) as typeof pc.addIceCandidate;
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    for (let i = 0; i < MAX_PENDING_CANDIDATES + 10; i++) n.receive({ type: 'candidate', candidate });
    n.receive({ type: 'offer', sdp: offer.sdp! });
    // Nothing throws, nothing is rejected unhandled; the held ones go in once the offer is set, the extra ones never.
    await expect.poll(() => pc.remoteDescription !== null).toBe(true);
    // The held ones go in one after another (each awaits the last): wait for all, then make sure no more come.
    await expect.poll(() => added).toBe(MAX_PENDING_CANDIDATES);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(added).toBe(MAX_PENDING_CANDIDATES);
    offerer.close();
  });

  test('a malformed offer fails the connection with a reason instead of throwing', async () => {
    const failures: string[] = [];
    const n = negotiate({ polite: true, configuration: { iceServers: [] }, send() {}, onOpen() {}, onFailed: (r) => failures.push(r) });
    open.push(n);
    n.receive({ type: 'offer', sdp: 'not an sdp' });
    await expect.poll(() => failures).toEqual([expect.stringMatching(/the other side's offer was refused/)]);
  });

  test('an answer nobody asked for is ignored; signals after close too', async () => {
    const p = pair();
    await p.links;
    p.a.receive({ type: 'answer', sdp: 'v=0' });
    p.b.close();
    p.b.receive({ type: 'offer', sdp: 'v=0' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(p.failures).toEqual([]);
  });
});
