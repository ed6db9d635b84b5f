import { afterEach, describe, expect, test } from 'vitest';
import type { Link } from '../../core/mesh/Link.ts';
import { ringNeighbours } from '../../core/mesh/ringPolicy.ts';
import { openRtcMesh, type RtcMesh, type RtcMeshOptions } from './rtcMesh.ts';
import { deriveRoomKey, sealRoomMessage } from './roomCrypto.ts';
import { roomMessageValue } from './roomMessages.ts';
import type { WebSocketFactory } from './signalingClient.ts';

// Many meshes in this page over real RTCPeerConnections (loopback, no ICE servers), meeting
// through an in-page relay of y-webrtc's signaling protocol that the test can take down.

/** One relay per URL: subscribe / unsubscribe / publish / ping, as server/signaling.ts. */
class Relay {
  up = true;
  readonly sockets = new Set<FakeSocket>();
  readonly topics = new Map<string, Set<FakeSocket>>();
  handle(from: FakeSocket, text: string): void {
    const message = JSON.parse(text) as { type: string; topics?: string[]; topic?: string };
    if (message.type === 'subscribe') for (const t of message.topics!) this.topics.set(t, (this.topics.get(t) ?? new Set()).add(from));
    if (message.type === 'unsubscribe') for (const t of message.topics!) this.topics.get(t)?.delete(from);
    if (message.type === 'publish') {
      const frame = JSON.stringify({ ...message, clients: this.topics.get(message.topic!)?.size ?? 0 });
      for (const to of this.topics.get(message.topic!) ?? []) to.deliver(frame);
    }
    if (message.type === 'ping') from.deliver(JSON.stringify({ type: 'pong' }));
  }
  /** Every connection closes (1001) and new ones fail until `restart`. */
  stop(): void {
    this.up = false;
    for (const socket of [...this.sockets]) socket.drop(1001);
    this.topics.clear();
  }
  restart(): void {
    this.up = true;
  }
}

const relays = new Map<string, Relay>();
const relay = (url: string): Relay => relays.get(url) ?? relays.set(url, new Relay()).get(url)!;

class FakeSocket extends EventTarget {
  readyState = 0;
  readonly relay: Relay;
  // In order both ways, as a WebSocket: one queue each (separate timers could overtake
  // each other, since nested timers are clamped).
  private readonly out: string[] = [];
  private readonly in: string[] = [];
  constructor(readonly url: string) {
    super();
    this.relay = relay(url);
    setTimeout(() => {
      if (!this.relay.up) return this.drop(1006);
      this.readyState = 1;
      this.relay.sockets.add(this);
      this.dispatchEvent(new Event('open'));
    }, 1);
  }
  send(text: string): void {
    if (this.readyState !== 1) throw new DOMException('not open', 'InvalidStateError');
    if (this.out.push(text) === 1) setTimeout(() => this.flush(this.out, (t) => this.relay.handle(this, t)), 1);
  }
  deliver(text: string): void {
    if (this.in.push(text) === 1) setTimeout(() => this.flush(this.in, (t) => this.dispatchEvent(new MessageEvent('message', { data: t }))), 1);
  }
  private flush(queue: string[], take: (text: string) => void): void {
    for (const text of queue.splice(0)) if (this.readyState === 1) take(text);
  }
  close(): void {
    this.drop(1000);
  }
  drop(code: number): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.relay.sockets.delete(this);
    for (const subscribers of this.relay.topics.values()) subscribers.delete(this);
    this.dispatchEvent(new CloseEvent('close', { code }));
  }
}

const meshes: RtcMesh[] = [];
afterEach(() => {
  meshes.splice(0).forEach((m) => m.close());
  relays.clear();
});

let rooms = 0;
function room(): Pick<RtcMeshOptions, 'roomName' | 'password' | 'signalingUrls'> {
  rooms++;
  return { roomName: `room-${rooms}-${Math.random()}`, password: 'secret', signalingUrls: [`ws://relay-${rooms}/signal`] };
}

function open(options: Partial<RtcMeshOptions> & Pick<RtcMeshOptions, 'roomName' | 'password' | 'signalingUrls'>): { mesh: RtcMesh; links: Link[] } {
  const links: Link[] = [];
  const mesh = openRtcMesh({ iceServers: [], WebSocket: FakeSocket as unknown as WebSocketFactory, onLink: (link) => links.push(link), ...options });
  meshes.push(mesh);
  return { mesh, links };
}

/** Whether the open links between `nodes` connect them all. */
function connected(nodes: RtcMesh[]): boolean {
  const byId = new Map(nodes.map((n) => [n.peerId, n]));
  const seen = new Set([nodes[0]!.peerId]);
  const todo = [nodes[0]!];
  while (todo.length) {
    for (const id of todo.pop()!.peerIds()) {
      if (seen.has(id) || !byId.has(id)) continue;
      seen.add(id);
      todo.push(byId.get(id)!);
    }
  }
  return seen.size === nodes.length;
}

describe('rtcMesh', () => {
  test('8 peers with maxConns 2, joining one at a time, settle into one ring: connected, 2 links each', { timeout: 120_000 }, async () => {
    const options = room();
    const nodes: RtcMesh[] = [];
    for (let i = 0; i < 8; i++) {
      nodes.push(open({ ...options, maxConns: 2 }).mesh);
      await expect.poll(() => connected(nodes), { timeout: 20_000 }).toBe(true);
    }
    const ids = nodes.map((n) => n.peerId);
    // Settled: exactly the ring neighbours (pruning of the extra links has happened).
    await expect
      .poll(() => nodes.every((n) => JSON.stringify([...n.peerIds()].sort()) === JSON.stringify([...ringNeighbours(n.peerId, ids, 2)].sort())), { timeout: 30_000 })
      .toBe(true);
  });

  test('a flood of made-up peer ids (the room password, no peer behind them) does not keep a newcomer out', { timeout: 60_000 }, async () => {
    const options = room();
    const a = open({ ...options, peerId: 'm-old', maxConns: 2 });
    // Announces from 300 ids nobody answers for, sealed with the room's password, sent
    // before and after the newcomer arrives (so both rosters fill up with them).
    const key = await deriveRoomKey(options.password, options.roomName);
    const flooder = new FakeSocket(options.signalingUrls[0]!);
    await new Promise((r) => flooder.addEventListener('open', r, { once: true }));
    flooder.send(JSON.stringify({ type: 'subscribe', topics: [options.roomName] }));
    const flood = async () => {
      for (let i = 0; i < 300; i++) {
        const data = await sealRoomMessage(roomMessageValue({ type: 'announce', from: `fake-${String(i).padStart(3, '0')}` }), key);
        flooder.send(JSON.stringify({ type: 'publish', topic: options.roomName, data }));
      }
    };
    await flood();
    await new Promise((r) => setTimeout(r, 300));
    const b = open({ ...options, peerId: 'm-new', maxConns: 2 });
    await flood();
    await expect.poll(() => a.mesh.peerIds(), { timeout: 30_000 }).toEqual(['m-new']);
    // Each end's channel opens on its own time: b's side may come up after a's.
    await expect.poll(() => b.mesh.peerIds(), { timeout: 10_000 }).toEqual(['m-old']);
  });

  test('peers of the same browser profile get no WebRTC connection', async () => {
    const options = room();
    const tabs = new Set<string>();
    const a = open({ ...options, peerId: 'a-tab', isSameProfile: (id) => tabs.has(id) && id !== 'a-tab' });
    const b = open({ ...options, peerId: 'b-tab', isSameProfile: (id) => tabs.has(id) && id !== 'b-tab' });
    tabs.add('a-tab').add('b-tab');
    const c = open({ ...options, peerId: 'c-elsewhere' });
    await expect.poll(() => c.mesh.peerIds().sort(), { timeout: 10_000 }).toEqual(['a-tab', 'b-tab']);
    // Each end's channel opens on its own time: c's side can be up before a's or b's.
    await expect.poll(() => a.mesh.peerIds(), { timeout: 10_000 }).toEqual(['c-elsewhere']);
    await expect.poll(() => b.mesh.peerIds(), { timeout: 10_000 }).toEqual(['c-elsewhere']);
    // One already linked becomes a tab of this profile: that connection is closed.
    tabs.add('c-elsewhere');
    a.mesh.refresh();
    await expect.poll(() => a.mesh.peerIds(), { timeout: 10_000 }).toEqual([]);
  });

  test('links survive the signaling server going down; a peer that joins after it is back finds them', { timeout: 60_000 }, async () => {
    const options = room();
    const a = open(options);
    const b = open(options);
    await expect.poll(() => a.mesh.peerIds(), { timeout: 10_000 }).toEqual([b.mesh.peerId]);
    relay(options.signalingUrls[0]!).stop();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(a.links[0]!.closed).toBe(false);
    relay(options.signalingUrls[0]!).restart();
    const c = open(options);
    await expect.poll(() => c.mesh.peerIds().sort(), { timeout: 20_000 }).toEqual([a.mesh.peerId, b.mesh.peerId].sort());
  });

  test('a peer with another password hears nothing it can read and never connects', async () => {
    const options = room();
    const a = open(options);
    const b = open({ ...options, password: 'wrong' });
    const c = open(options);
    await expect.poll(() => a.mesh.peerIds(), { timeout: 10_000 }).toEqual([c.mesh.peerId]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(b.mesh.peerIds()).toEqual([]);
    expect(a.mesh.peerIds()).toEqual([c.mesh.peerId]);
  });

  test('closing says goodbye: the others lose the link at once', async () => {
    const options = room();
    const a = open(options);
    const b = open(options);
    await expect.poll(() => a.mesh.peerIds(), { timeout: 10_000 }).toEqual([b.mesh.peerId]);
    const reason = new Promise<string>((resolve) => a.links[0]!.onClose(resolve));
    b.mesh.close();
    expect(await reason).toBe('closed by the other side: mesh closed');
  });

  test('refuses a limit under two', () => {
    expect(() => openRtcMesh({ ...room(), iceServers: [], maxConns: 1, onLink() {} })).toThrow(/from 2 to 64/);
  });
});
