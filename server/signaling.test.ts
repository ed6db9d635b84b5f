import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ClientOptions } from 'ws';
import { attachSignaling } from './signaling.ts';
import type { SignalingOptions, SignalingServer } from './signaling.ts';

/** A ws client that queues incoming JSON messages and remembers how it was closed. */
interface TestClient {
  ws: WebSocket;
  send(message: unknown): void;
  next(timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves when no message arrives within `ms`. */
  silent(ms?: number): Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
}

let server: Server | undefined;
let signaling: SignalingServer | undefined;
const clients: TestClient[] = [];

async function start(options: SignalingOptions = {}): Promise<string> {
  server = createServer((_req, res) => res.end('ok'));
  signaling = attachSignaling(server, options);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/signal`;
}

async function connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, options);
  const queue: Record<string, unknown>[] = [];
  const waiters: ((m: Record<string, unknown>) => void)[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const client: TestClient = {
    ws,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next: (timeoutMs = 2_000) =>
      new Promise((resolve, reject) => {
        const queued = queue.shift();
        if (queued) return resolve(queued);
        const timer = setTimeout(() => reject(new Error('no message within timeout')), timeoutMs);
        waiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      }),
    silent: async (ms = 150) => {
      await new Promise((r) => setTimeout(r, ms));
      expect(queue).toEqual([]);
    },
    closed,
  };
  clients.push(client);
  return client;
}

/** Round trip through the server, so everything sent before has been handled. */
async function sync(client: TestClient): Promise<void> {
  client.send({ type: 'ping' });
  expect(await client.next()).toEqual({ type: 'pong' });
}

/** A second, well-behaved client that must keep working while another one misbehaves. */
async function expectStillWorking(url: string, client: TestClient): Promise<void> {
  client.send({ type: 'subscribe', topics: ['ok'] });
  client.send({ type: 'publish', topic: 'ok', data: 'ok' });
  expect(await client.next()).toEqual({ type: 'publish', topic: 'ok', data: 'ok', clients: 1 });
  const fresh = await connect(url);
  await sync(fresh);
}

const NO_RATE_LIMIT: SignalingOptions = {
  messagesPerSecond: Number.MAX_SAFE_INTEGER,
  messageBurst: Number.MAX_SAFE_INTEGER,
  bytesPerSecond: Number.MAX_SAFE_INTEGER,
  byteBurst: Number.MAX_SAFE_INTEGER,
};

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await signaling?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  signaling = undefined;
});

describe('signaling protocol (y-webrtc compatible)', () => {
  it('delivers a publish to every subscriber, the sender included, with the subscriber count', async () => {
    const url = await start();
    const a = await connect(url);
    const b = await connect(url);
    const outsider = await connect(url);
    a.send({ type: 'subscribe', topics: ['room-1'] });
    b.send({ type: 'subscribe', topics: ['room-1', 'room-2'] });
    outsider.send({ type: 'subscribe', topics: ['room-2'] });
    await Promise.all([sync(a), sync(b), sync(outsider)]);

    a.send({ type: 'publish', topic: 'room-1', data: { sdp: 'x' }, from: 'a' });
    const expected = { type: 'publish', topic: 'room-1', data: { sdp: 'x' }, from: 'a', clients: 2 };
    expect(await a.next()).toEqual(expected);
    expect(await b.next()).toEqual(expected);
    await outsider.silent();
    expect(signaling!.stats()).toEqual({ connections: 3, topics: 2 });
  });

  it('overrides a client-supplied clients field', async () => {
    const url = await start();
    const a = await connect(url);
    a.send({ type: 'subscribe', topics: ['t'] });
    a.send({ type: 'publish', topic: 't', clients: 99 });
    expect(await a.next()).toEqual({ type: 'publish', topic: 't', clients: 1 });
  });

  it('stops delivering after unsubscribe and forgets empty topics', async () => {
    const url = await start();
    const a = await connect(url);
    const b = await connect(url);
    a.send({ type: 'subscribe', topics: ['t'] });
    b.send({ type: 'subscribe', topics: ['t'] });
    await Promise.all([sync(a), sync(b)]);
    b.send({ type: 'unsubscribe', topics: ['t', 'never-subscribed'] });
    await sync(b);
    a.send({ type: 'publish', topic: 't', n: 1 });
    expect(await a.next()).toEqual({ type: 'publish', topic: 't', n: 1, clients: 1 });
    await b.silent();
    a.send({ type: 'unsubscribe', topics: ['t'] });
    await sync(a);
    expect(signaling!.stats().topics).toBe(0);
  });

  it('answers ping with pong', async () => {
    const url = await start();
    const a = await connect(url);
    a.send({ type: 'ping' });
    expect(await a.next()).toEqual({ type: 'pong' });
  });

  it('accepts a publish to a topic nobody subscribed to, delivering nothing', async () => {
    const url = await start();
    const a = await connect(url);
    a.send({ type: 'publish', topic: 'empty-room', data: 1 });
    await sync(a);
    await a.silent();
    expect(a.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('removes a closed connection from its topics', async () => {
    const url = await start();
    const a = await connect(url);
    const b = await connect(url);
    a.send({ type: 'subscribe', topics: ['t', 'u'] });
    b.send({ type: 'subscribe', topics: ['t'] });
    await Promise.all([sync(a), sync(b)]);
    a.ws.close();
    await a.closed;
    await expect.poll(() => signaling!.stats()).toEqual({ connections: 1, topics: 1 });
    b.send({ type: 'publish', topic: 't' });
    expect(await b.next()).toEqual({ type: 'publish', topic: 't', clients: 1 });
  });

  it('refuses upgrades on other paths', async () => {
    const url = await start();
    const ws = new WebSocket(url.replace('/signal', '/other'));
    const error = await new Promise<Error>((resolve) => ws.on('error', resolve));
    expect(error.message).toMatch(/404/);
  });
});

describe('signaling limits and bad frames close only the offending connection', () => {
  const cases: { name: string; options?: SignalingOptions; frame: unknown; code: number; reason: RegExp }[] = [
    { name: 'not JSON', frame: '{nope', code: 1008, reason: /not valid JSON/ },
    { name: 'JSON but not an object', frame: '[1,2]', code: 1008, reason: /must be a JSON object/ },
    { name: 'JSON null', frame: 'null', code: 1008, reason: /must be a JSON object/ },
    { name: 'unknown type', frame: { type: 'shout' }, code: 1008, reason: /unknown message type "shout"/ },
    { name: 'missing type', frame: { topic: 'x' }, code: 1008, reason: /type must be a string/ },
    { name: 'topics not an array', frame: { type: 'subscribe', topics: 'x' }, code: 1008, reason: /topics must be an array/ },
    { name: 'a topic not a string', frame: { type: 'subscribe', topics: [1] }, code: 1008, reason: /non-empty string/ },
    { name: 'an empty topic', frame: { type: 'unsubscribe', topics: [''] }, code: 1008, reason: /non-empty string/ },
    { name: 'publish without topic', frame: { type: 'publish', data: 1 }, code: 1008, reason: /publish.topic/ },
    {
      name: 'a topic over maxTopicBytes',
      options: { maxTopicBytes: 8 },
      frame: { type: 'publish', topic: 'x'.repeat(9) },
      code: 1008,
      reason: /too long: at most 8 bytes/,
    },
    {
      name: 'too many topics in one frame',
      options: { maxTopicsPerConnection: 3 },
      frame: { type: 'subscribe', topics: ['a', 'b', 'c', 'd'] },
      code: 1008,
      reason: /too many topics: at most 3/,
    },
    {
      name: 'a message over maxMessageBytes',
      options: { maxMessageBytes: 1024 },
      frame: { type: 'publish', topic: 't', data: 'x'.repeat(1024) },
      code: 1009,
      reason: /message too big: at most 1024 bytes/,
    },
  ];

  for (const c of cases) {
    it(`closes on ${c.name}`, async () => {
      const url = await start(c.options);
      const good = await connect(url);
      const bad = await connect(url);
      bad.send(c.frame);
      const { code, reason } = await bad.closed;
      expect(code).toBe(c.code);
      expect(reason).toMatch(c.reason);
      await expectStillWorking(url, good);
    });
  }

  it('closes on a binary frame', async () => {
    const url = await start();
    const good = await connect(url);
    const bad = await connect(url);
    bad.ws.send(Buffer.from(JSON.stringify({ type: 'ping' })), { binary: true });
    expect(await bad.closed).toEqual({ code: 1008, reason: 'binary frames are not accepted: send JSON text' });
    await expectStillWorking(url, good);
  });

  it('counts topics across frames against maxTopicsPerConnection', async () => {
    const url = await start({ maxTopicsPerConnection: 2 });
    const good = await connect(url);
    const bad = await connect(url);
    bad.send({ type: 'subscribe', topics: ['a', 'b'] });
    bad.send({ type: 'subscribe', topics: ['a', 'b'] }); // re-subscribing is free
    await sync(bad);
    bad.send({ type: 'subscribe', topics: ['c'] });
    expect(await bad.closed).toEqual({ code: 1008, reason: 'too many topics: at most 2 per connection' });
    await expect.poll(() => signaling!.stats().topics).toBe(0);
    await expectStillWorking(url, good);
  });

  it('accepts a message of exactly maxMessageBytes', async () => {
    const url = await start({ maxMessageBytes: 1024 });
    const a = await connect(url);
    a.send({ type: 'subscribe', topics: ['t'] });
    const frame = { type: 'publish', topic: 't', data: '' };
    frame.data = 'x'.repeat(1024 - JSON.stringify(frame).length);
    a.send(frame);
    expect((await a.next()).data).toBe(frame.data);
  });

  it('closes a receiver that stops reading once its backlog passes maxBufferedBytes', async () => {
    // The sender floods on purpose: its rate limits are lifted to reach the receiver's backlog.
    const url = await start({ maxBufferedBytes: 64 * 1024, maxMessageBytes: 64 * 1024, ...NO_RATE_LIMIT });
    const sender = await connect(url);
    const stalled = await connect(url);
    stalled.send({ type: 'subscribe', topics: ['t'] });
    await sync(stalled);
    // pause() stops the client reading its socket, so the server's send backlog grows.
    stalled.ws.pause();
    const payload = 'x'.repeat(60 * 1024);
    const deadline = Date.now() + 10_000;
    while (signaling!.stats().connections === 2 && Date.now() < deadline) {
      sender.send({ type: 'publish', topic: 't', data: payload });
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(signaling!.stats().connections).toBe(1);
    stalled.ws.resume();
    // Cut off, not closed politely: a close frame would sit behind the backlog.
    expect((await stalled.closed).code).toBe(1006);
    await expectStillWorking(url, sender);
  });
});

describe('signaling idle timeout', () => {
  it('closes a connection that neither sends nor answers pings', async () => {
    const url = await start({ idleTimeoutMs: 150 });
    const silent = await connect(url, { autoPong: false });
    const live = await connect(url);
    const started = Date.now();
    const { code, reason } = await silent.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(code).toBe(1001);
    expect(reason).toMatch(/idle timeout/);
    // The live client answered pings (ws does so automatically) and is still up.
    await new Promise((r) => setTimeout(r, 300));
    expect(live.ws.readyState).toBe(WebSocket.OPEN);
    await sync(live);
  });

  it('closes all connections with 1001 on close()', async () => {
    const url = await start();
    const a = await connect(url);
    await signaling!.close();
    expect(await a.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    signaling = undefined;
  });
});

/** Opens a WebSocket the server should refuse; resolves with the HTTP status and reason it gave. */
function refusal(url: string, options: ClientOptions = {}): Promise<{ status: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('the server accepted a connection it should have refused'));
    });
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reason: Buffer.concat(chunks).toString() }));
    });
    ws.on('error', () => {});
  });
}

describe('signaling rate limits close only the connection over them', () => {
  it('closes a connection that sends more messages than its burst at once (1008)', async () => {
    const url = await start({ messagesPerSecond: 1, messageBurst: 5 });
    const good = await connect(url);
    const flood = await connect(url);
    for (let i = 0; i < 20; i++) flood.send({ type: 'ping' });
    expect(await flood.closed).toEqual({ code: 1008, reason: 'rate limit: over 1 messages/s (burst 5)' });
    await expectStillWorking(url, good);
  });

  it('lets a connection send its whole burst', async () => {
    const url = await start({ messagesPerSecond: 1, messageBurst: 5 });
    const a = await connect(url);
    for (let i = 0; i < 5; i++) a.send({ type: 'ping' });
    for (let i = 0; i < 5; i++) expect(await a.next()).toEqual({ type: 'pong' });
    expect(a.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a connection that sends more bytes than its burst at once (1008)', async () => {
    const url = await start({ maxMessageBytes: 1024, bytesPerSecond: 1, byteBurst: 2048 });
    const good = await connect(url);
    const flood = await connect(url);
    const big = { type: 'publish', topic: 't', data: 'x'.repeat(900) };
    for (let i = 0; i < 3; i++) flood.send(big);
    expect(await flood.closed).toEqual({ code: 1008, reason: 'rate limit: over 1 bytes/s (burst 2048)' });
    await expectStillWorking(url, good);
  });

  it('refuses a byte burst smaller than the largest message', async () => {
    await expect(start({ maxMessageBytes: 4096, byteBurst: 1024 })).rejects.toThrow(/byteBurst \(1024\) must be at least maxMessageBytes \(4096\)/);
    await expect(start({ messagesPerSecond: 0 })).rejects.toThrow(/messagesPerSecond must be a positive number/);
  });
});

describe('signaling admission: connection caps and the Origin allowlist', () => {
  it('refuses connections from one IP over maxConnectionsPerIp (429), and admits again once one closes', async () => {
    const url = await start({ maxConnectionsPerIp: 2 });
    const first = await connect(url);
    await connect(url);
    expect(await refusal(url)).toEqual({ status: 429, reason: 'too many connections from your address: at most 2' });
    first.ws.close();
    await first.closed;
    await expect.poll(() => signaling!.stats().connections).toBe(1);
    await sync(await connect(url));
  });

  it('refuses connections over maxConnections (503)', async () => {
    const url = await start({ maxConnections: 1 });
    await connect(url);
    expect(await refusal(url)).toEqual({ status: 503, reason: 'this signaling server is full (1 connections): try again later' });
  });

  it("admits pages of the server's own origin and clients without an Origin by default", async () => {
    const url = await start();
    const own = new URL(url);
    await sync(await connect(url, { origin: `http://${own.host}` }));
    await sync(await connect(url));
  });

  it('refuses pages of other origins (403) unless they are allowed', async () => {
    const url = await start({ allowedOrigins: ['https://app.example.org'] });
    expect(await refusal(url, { origin: 'https://evil.example' })).toEqual({
      status: 403,
      reason: 'origin https://evil.example is not allowed to use this signaling server',
    });
    // Sandboxed frames and file: pages send "null": nobody's own origin.
    expect((await refusal(url, { origin: 'null' })).status).toBe(403);
    await sync(await connect(url, { origin: 'https://app.example.org' }));
  });

  it("allows every origin with '*', and refuses clients without an Origin when told to", async () => {
    const anyOrigin = await start({ allowedOrigins: ['*'] });
    await sync(await connect(anyOrigin, { origin: 'https://elsewhere.example' }));
    await signaling!.close();
    await new Promise<void>((resolve) => server!.close(() => resolve()));

    const browsersOnly = await start({ allowMissingOrigin: false });
    expect(await refusal(browsersOnly)).toEqual({ status: 403, reason: 'no Origin header: only browsers on an allowed origin may connect' });
  });

  it('refuses an allowlist entry that is not an origin', async () => {
    await expect(start({ allowedOrigins: ['https://app.example.org/path'] })).rejects.toThrow(/allowedOrigins: .*scheme:\/\/host\[:port\] only/);
  });
});

describe('per-IP accounting', () => {
  it('counts IPv4 (also dual-stack mapped) as is, and IPv6 by its /64', async () => {
    const { ipKey } = await import('./signaling.ts');
    expect(ipKey('203.0.113.7')).toBe('203.0.113.7');
    expect(ipKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(ipKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ipKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(ipKey('2001:db8::5')).toBe('2001:db8:0:0::/64');
    expect(ipKey('::1')).toBe('0:0:0:0::/64');
    expect(ipKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
