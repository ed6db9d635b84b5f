// Smoke test of the whole stack: the server serves the app, its /signal relay works for
// Node and browser clients, and two Chromium peers open a real WebRTC data channel
// through it (shared browser with isolated contexts, and separate browser processes).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Renamed: armPeer below must use the browser's global WebSocket, not this one.
import { WebSocket as NodeWebSocket } from 'ws';
import { launchPeers, screenshot, startApp } from './harness.ts';
import type { App, Peer } from './harness.ts';

type Role = 'offerer' | 'answerer';

interface ArmArgs {
  signalingUrl: string;
  topic: string;
  role: Role;
}

interface SmokeResult {
  /** Text the other peer sent over the data channel. */
  received: string;
  /** ICE candidates this peer put into its SDP. */
  candidates: number;
  /** The relay's subscriber count on the SDP message this peer received. */
  clientsSeen: number;
}

type SmokeWindow = typeof globalThis & { __smoke?: Promise<SmokeResult> };

/**
 * Runs inside the page (Playwright serializes it, so it must be self-contained).
 * Subscribes to the rendezvous topic, waits until its own probe comes back (so it is
 * surely subscribed), then starts the offer/answer exchange in the background and
 * leaves its outcome on window.__smoke. Returns the probe's subscriber count.
 */
async function armPeer({ signalingUrl, topic, role }: ArmArgs): Promise<number> {
  type Message = Record<string, unknown> & { from?: string; kind?: string; sdp?: string; clients?: number };
  const ws = new WebSocket(signalingUrl);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`cannot connect to ${signalingUrl}`));
  });
  const inbox: Message[] = [];
  let wake = (): void => {};
  ws.onmessage = (event: MessageEvent<string>) => {
    inbox.push(JSON.parse(event.data) as Message);
    wake();
  };
  const receive = async (match: (m: Message) => boolean): Promise<Message> => {
    for (;;) {
      const index = inbox.findIndex(match);
      if (index >= 0) return inbox.splice(index, 1)[0]!;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  const publish = (body: Message): void => ws.send(JSON.stringify({ ...body, type: 'publish', topic, from: role }));

  ws.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
  publish({ kind: 'probe' });
  const probe = await receive((m) => m.from === role && m.kind === 'probe');

  const pc = new RTCPeerConnection({ iceServers: [] });
  // Without trickle ICE, the SDP carries every candidate once gathering completes.
  const gathered = new Promise<void>((resolve) => {
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
  });
  const channel = new Promise<{ channel: RTCDataChannel; message: Promise<string> }>((resolve) => {
    const wire = (ch: RTCDataChannel): void => {
      // Listen before 'open' so the other side's first message cannot be missed.
      const message = new Promise<string>((got) => (ch.onmessage = (e: MessageEvent<string>) => got(e.data)));
      ch.onopen = () => resolve({ channel: ch, message });
    };
    if (role === 'offerer') wire(pc.createDataChannel('smoke'));
    else pc.ondatachannel = (event) => wire(event.channel);
  });

  const run = async (): Promise<SmokeResult> => {
    let remote: Message;
    if (role === 'offerer') {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered;
      publish({ kind: 'offer', sdp: pc.localDescription!.sdp });
      remote = await receive((m) => m.kind === 'answer');
      await pc.setRemoteDescription({ type: 'answer', sdp: remote.sdp! });
    } else {
      remote = await receive((m) => m.kind === 'offer');
      await pc.setRemoteDescription({ type: 'offer', sdp: remote.sdp! });
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered;
      publish({ kind: 'answer', sdp: pc.localDescription!.sdp });
    }
    const open = await channel;
    open.channel.send(`hello from the ${role}`);
    const received = await open.message;
    ws.close();
    return {
      received,
      candidates: (pc.localDescription!.sdp.match(/^a=candidate:/gm) ?? []).length,
      clientsSeen: remote.clients ?? -1,
    };
  };
  (globalThis as SmokeWindow).__smoke = run();
  return probe.clients ?? -1;
}

async function connectPeers(app: App, offerer: Peer, answerer: Peer): Promise<SmokeResult[]> {
  const topic = `smoke-${randomUUID()}`;
  // The answerer listens first, so the offer cannot be published into an empty topic.
  const arm = (peer: Peer, role: Role) => peer.page.evaluate(armPeer, { signalingUrl: app.signalingUrl, topic, role });
  expect(await arm(answerer, 'answerer')).toBe(1);
  expect(await arm(offerer, 'offerer')).toBe(2);
  const outcome = (peer: Peer) => peer.page.evaluate(() => (globalThis as SmokeWindow).__smoke!);
  return Promise.all([outcome(offerer), outcome(answerer)]);
}

/**
 * On a loaded 2-core CI machine a loopback ICE exchange between two browser processes has
 * been seen to stall (once in many runs). One retry on fresh pages keeps that from failing
 * the suite; a second stall still fails it, and the retry is logged.
 */
async function connectWithOneRetry(app: App, offerer: Peer, answerer: Peer): Promise<SmokeResult[]> {
  const attempt = () =>
    Promise.race([
      connectPeers(app, offerer, answerer),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the WebRTC exchange stalled for 40 s')), 40_000)),
    ]);
  try {
    return await attempt();
  } catch (e) {
    console.warn(`smoke: ${(e as Error).message}; retrying once on fresh pages`);
    await Promise.all([offerer.page.goto(app.url), answerer.page.goto(app.url)]);
    return attempt();
  }
}

describe('smoke: app, signaling and WebRTC', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a Node ws client can subscribe and receive a publish on the app /signal', async () => {
    const connect = async (): Promise<NodeWebSocket> => {
      const ws = new NodeWebSocket(app.signalingUrl);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      return ws;
    };
    const [listener, publisher] = await Promise.all([connect(), connect()]);
    try {
      const nextMessage = new Promise<unknown>((resolve) => listener.once('message', (d) => resolve(JSON.parse(String(d)))));
      listener.send(JSON.stringify({ type: 'subscribe', topics: ['node-topic'] }));
      listener.send(JSON.stringify({ type: 'ping' }));
      // The pong proves the subscribe was handled before we publish.
      expect(await nextMessage).toEqual({ type: 'pong' });
      const published = new Promise<unknown>((resolve) => listener.once('message', (d) => resolve(JSON.parse(String(d)))));
      publisher.send(JSON.stringify({ type: 'publish', topic: 'node-topic', data: 'hi' }));
      expect(await published).toEqual({ type: 'publish', topic: 'node-topic', data: 'hi', clients: 1 });
    } finally {
      listener.close();
      publisher.close();
    }
  });

  it('serves the app page', async () => {
    const res = await fetch(app.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toMatch(/<script type="module"/);
  });

  for (const separateProcesses of [false, true]) {
    const mode = separateProcesses ? 'separate Chromium processes' : 'one Chromium, separate contexts';
    it(`two peers open a data channel and talk both ways (${mode})`, async () => {
      const { peers, close } = await launchPeers(2, { app, separateProcesses });
      try {
        const [offerer, answerer] = peers as [Peer, Peer];
        const [fromOfferer, fromAnswerer] = await connectWithOneRetry(app, offerer, answerer);
        expect(fromOfferer!.received).toBe('hello from the answerer');
        expect(fromAnswerer!.received).toBe('hello from the offerer');
        expect(fromOfferer!.candidates).toBeGreaterThan(0);
        expect(fromAnswerer!.candidates).toBeGreaterThan(0);
        expect(fromOfferer!.clientsSeen).toBe(2);
        expect(fromAnswerer!.clientsSeen).toBe(2);
        await screenshot(offerer.page, `smoke-${separateProcesses ? 'processes' : 'contexts'}-offerer`);
      } finally {
        await close();
      }
    });
  }
});
