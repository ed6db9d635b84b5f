// y-webrtc-compatible signaling relay (same JSON protocol as y-webrtc's bin/server.js),
// hardened with explicit limits so one misbehaving client cannot hurt the others: who may
// connect (Origin, connections per IP and in all), how fast each connection may send
// (messages and bytes, token buckets), and how much it may hold (topics, backlog).
// The limits and their defaults are documented in docs/serving.md.
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { RawData } from 'ws';
import { canonicalOrigin, originRefusal, OriginPolicyError } from './originPolicy.ts';
import { tokenBucket } from '../src/core/mesh/tokenBucket.ts';

export interface SignalingOptions {
  /** URL path that accepts WebSocket upgrades. */
  path?: string;
  /** Largest accepted message, in bytes; larger ones close the connection with 1009. */
  maxMessageBytes?: number;
  /** Most topics one connection may be subscribed to at once. */
  maxTopicsPerConnection?: number;
  /** Longest accepted topic name, in UTF-8 bytes. */
  maxTopicBytes?: number;
  /** Close connections that sent nothing (no message, no pong) for this long. */
  idleTimeoutMs?: number;
  /** A receiver whose unsent backlog exceeds this is too slow to keep up and is closed. */
  maxBufferedBytes?: number;
  /**
   * Origins whose pages may connect, besides the server's own (an Origin naming the
   * request's Host); '*' allows every origin. Others are refused with HTTP 403.
   */
  allowedOrigins?: string[];
  /** Accept clients that send no Origin (not browsers; they could claim any origin anyway). */
  allowMissingOrigin?: boolean;
  /** Most concurrent connections from one IP address; more are refused with HTTP 429. */
  maxConnectionsPerIp?: number;
  /** Most concurrent connections in all; more are refused with HTTP 503. */
  maxConnections?: number;
  /** Messages per second one connection may send, sustained; more closes it with 1008. */
  messagesPerSecond?: number;
  /** Messages one connection may send at once (the bucket's size) before the rate applies. */
  messageBurst?: number;
  /** Bytes per second one connection may send, sustained; more closes it with 1008. */
  bytesPerSecond?: number;
  /** Bytes one connection may send at once; at least maxMessageBytes. */
  byteBurst?: number;
}

export type ResolvedSignalingOptions = Required<SignalingOptions>;

export const DEFAULT_SIGNALING_OPTIONS: ResolvedSignalingOptions = {
  path: '/signal',
  maxMessageBytes: 256 * 1024,
  maxTopicsPerConnection: 128,
  maxTopicBytes: 512,
  idleTimeoutMs: 60_000,
  // A few of the largest messages: 4096 connections × this is the most the relay holds for slow readers.
  maxBufferedBytes: 1024 * 1024,
  allowedOrigins: [],
  allowMissingOrigin: true,
  // A page holds one connection per signaling server; this leaves room for a household
  // or office behind one address with many tabs (see docs/serving.md behind a proxy).
  maxConnectionsPerIp: 64,
  maxConnections: 4096,
  // Joining a context costs a peer an announce, an offer or answer and a few ICE
  // candidates per other peer: a mesh of dozens of peers fits in one burst.
  // A page's one socket per server carries all its rooms (contexts and directory rooms).
  messagesPerSecond: 100,
  messageBurst: 500,
  bytesPerSecond: 256 * 1024,
  byteBurst: 1024 * 1024,
};

/** Close codes this relay uses (RFC 6455 §7.4.1). */
export const CloseCode = {
  goingAway: 1001,
  policyViolation: 1008,
  messageTooBig: 1009,
} as const;

/** HTTP statuses of refused handshakes: no WebSocket is opened for them. */
const Refusal = {
  forbiddenOrigin: '403 Forbidden',
  tooManyFromIp: '429 Too Many Requests',
  full: '503 Service Unavailable',
} as const;

export interface SignalingStats {
  connections: number;
  topics: number;
}

export interface SignalingServer {
  /** Closes every connection (1001) and detaches from the HTTP server. */
  close(): Promise<void>;
  stats(): SignalingStats;
}

export class SignalingOptionsError extends Error {
  override name = 'SignalingOptionsError';
}

/** A frame that breaks the protocol or a limit; closes only the connection that sent it. */
class ProtocolViolation extends Error {
  override name = 'ProtocolViolation';
  constructor(
    readonly code: number,
    reason: string,
  ) {
    super(reason);
  }
}

type ClientMessage =
  | { type: 'subscribe' | 'unsubscribe'; topics: string[] }
  | { type: 'publish'; topic: string; message: Record<string, unknown> }
  | { type: 'ping' };

interface Connection {
  socket: WebSocket;
  topics: Set<string>;
  lastHeardAt: number;
}

// Grace period for peers to answer our close frame during shutdown before we cut them off.
const SHUTDOWN_GRACE_MS = 1_000;

export function attachSignaling(httpServer: HttpServer, options: SignalingOptions = {}): SignalingServer {
  const opts = resolveOptions(options);
  // ws enforces maxPayload while reading the frame header, before buffering the payload.
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes });
  const topics = new Map<string, Set<Connection>>();
  const connections = new Set<Connection>();
  // Counted from the handshake on (not from the open), so a flood of concurrent handshakes
  // cannot slip past the caps; released when the TCP socket closes, however it ends.
  const perIp = new Map<string, number>();
  let admitted = 0;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (pathOf(request) !== opts.path) {
      // Leave foreign paths to other upgrade listeners; if there are none, refuse cleanly.
      if (httpServer.listenerCount('upgrade') === 1) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
      return;
    }
    const originProblem = originRefusal(request.headers.origin, request.headers.host, opts);
    if (originProblem) return refuse(socket, Refusal.forbiddenOrigin, originProblem);
    if (admitted >= opts.maxConnections) {
      return refuse(socket, Refusal.full, `this signaling server is full (${opts.maxConnections} connections): try again later`);
    }
    const ip = clientIp(request);
    const fromIp = perIp.get(ip) ?? 0;
    if (fromIp >= opts.maxConnectionsPerIp) {
      return refuse(socket, Refusal.tooManyFromIp, `too many connections from your address: at most ${opts.maxConnectionsPerIp}`);
    }
    admitted++;
    perIp.set(ip, fromIp + 1);
    socket.once('close', () => {
      admitted--;
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left > 0) perIp.set(ip, left);
      else perIp.delete(ip);
    });
    wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws));
  };

  function onConnection(socket: WebSocket): void {
    const conn: Connection = { socket, topics: new Set(), lastHeardAt: Date.now() };
    connections.add(conn);
    withOversizeReason(socket, opts.maxMessageBytes);
    const messageBudget = tokenBucket({ perSecond: opts.messagesPerSecond, burst: opts.messageBurst }, performance.now());
    const byteBudget = tokenBucket({ perSecond: opts.bytesPerSecond, burst: opts.byteBurst }, performance.now());

    socket.on('pong', () => {
      conn.lastHeardAt = Date.now();
    });
    socket.on('message', (data, isBinary) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      conn.lastHeardAt = Date.now();
      try {
        // Charged before parsing: parsing is the work a flood would make us do.
        if (!messageBudget.take(1, performance.now())) {
          throw new ProtocolViolation(CloseCode.policyViolation, `rate limit: over ${opts.messagesPerSecond} messages/s (burst ${opts.messageBurst})`);
        }
        if (!byteBudget.take(rawLength(data), performance.now())) {
          throw new ProtocolViolation(CloseCode.policyViolation, `rate limit: over ${opts.bytesPerSecond} bytes/s (burst ${opts.byteBurst})`);
        }
        handle(conn, parseMessage(data, isBinary, opts));
      } catch (err) {
        if (!(err instanceof ProtocolViolation)) throw err;
        socket.close(err.code, err.message);
      }
    });
    // Errors (bad framing, resets) end in 'close'; listening keeps them from crashing the process.
    socket.on('error', () => {});
    socket.on('close', () => {
      for (const topic of conn.topics) unsubscribe(conn, topic);
      connections.delete(conn);
    });
  }

  function handle(conn: Connection, msg: ClientMessage): void {
    switch (msg.type) {
      case 'subscribe':
        for (const topic of msg.topics) {
          if (conn.topics.has(topic)) continue;
          if (conn.topics.size >= opts.maxTopicsPerConnection) {
            throw new ProtocolViolation(
              CloseCode.policyViolation,
              `too many topics: at most ${opts.maxTopicsPerConnection} per connection`,
            );
          }
          conn.topics.add(topic);
          let subscribers = topics.get(topic);
          if (!subscribers) topics.set(topic, (subscribers = new Set()));
          subscribers.add(conn);
        }
        return;
      case 'unsubscribe':
        for (const topic of msg.topics) unsubscribe(conn, topic);
        return;
      case 'publish': {
        const subscribers = topics.get(msg.topic);
        if (!subscribers) return;
        // Serialize once; every subscriber (the sender too, if subscribed) gets the same frame.
        const frame = JSON.stringify({ ...msg.message, clients: subscribers.size });
        for (const receiver of subscribers) sendTo(receiver, frame);
        return;
      }
      case 'ping':
        sendTo(conn, JSON.stringify({ type: 'pong' }));
        return;
    }
  }

  function sendTo(conn: Connection, frame: string): void {
    const { socket } = conn;
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > opts.maxBufferedBytes) {
      // Cut it off rather than close politely: a close frame would queue behind the backlog.
      socket.terminate();
      return;
    }
    socket.send(frame);
  }

  function unsubscribe(conn: Connection, topic: string): void {
    conn.topics.delete(topic);
    const subscribers = topics.get(topic);
    if (!subscribers) return;
    subscribers.delete(conn);
    if (subscribers.size === 0) topics.delete(topic);
  }

  // One sweep for all connections: ping everyone (browsers and ws answer with a pong,
  // which counts as activity) and close those that stayed silent past the idle timeout.
  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const { socket, lastHeardAt } of connections) {
        if (socket.readyState !== WebSocket.OPEN) continue;
        if (now - lastHeardAt >= opts.idleTimeoutMs) {
          socket.close(CloseCode.goingAway, `idle timeout: nothing received for ${opts.idleTimeoutMs} ms`);
        } else {
          socket.ping();
        }
      }
    },
    Math.max(5, Math.floor(opts.idleTimeoutMs / 3)),
  );
  sweep.unref();

  httpServer.on('upgrade', onUpgrade);

  return {
    async close() {
      clearInterval(sweep);
      httpServer.off('upgrade', onUpgrade);
      const closed = [...connections].map(
        ({ socket }) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) return resolve();
            socket.once('close', () => resolve());
            socket.close(CloseCode.goingAway, 'server shutting down');
            setTimeout(() => socket.terminate(), SHUTDOWN_GRACE_MS).unref();
          }),
      );
      await Promise.all(closed);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    stats() {
      return { connections: connections.size, topics: topics.size };
    },
  };
}

/** Answers a handshake with an HTTP error and its reason, and hangs up. */
function refuse(socket: Duplex, status: string, reason: string): void {
  const body = Buffer.from(reason);
  // As ws does: a client that keeps its half of the connection open must not hold ours.
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n${reason}`,
  );
}

/** Who a connection counts against in the per-IP cap. */
function clientIp(request: IncomingMessage): string {
  return ipKey(request.socket.remoteAddress ?? 'unknown');
}

/**
 * An IPv4 address as it is (also when a dual-stack socket maps it, `::ffff:a.b.c.d`); an
 * IPv6 address by its /64, since one subscriber usually holds a whole /64.
 */
export function ipKey(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice('::ffff:'.length);
  if (!address.includes(':')) return address;
  const bare = address.split('%', 1)[0]!;
  const [head, tail] = bare.split('::') as [string, string | undefined];
  const front = head ? head.split(':') : [];
  const back = tail ? tail.split(':') : [];
  const groups = tail === undefined ? front : [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return `${groups.slice(0, 4).map((g) => parseInt(g || '0', 16).toString(16)).join(':')}::/64`;
}

function resolveOptions(options: SignalingOptions): ResolvedSignalingOptions {
  const opts = { ...DEFAULT_SIGNALING_OPTIONS };
  for (const [key, value] of Object.entries(options) as [keyof SignalingOptions, unknown][]) {
    if (value !== undefined) Object.assign(opts, { [key]: value });
  }
  if (!opts.path.startsWith('/')) {
    throw new SignalingOptionsError(`signaling path must start with "/", got ${JSON.stringify(opts.path)}`);
  }
  for (const key of [
    'maxMessageBytes',
    'maxTopicsPerConnection',
    'maxTopicBytes',
    'idleTimeoutMs',
    'maxBufferedBytes',
    'maxConnectionsPerIp',
    'maxConnections',
    'messageBurst',
    'byteBurst',
  ] as const) {
    const value = opts[key];
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new SignalingOptionsError(`signaling option ${key} must be a positive integer, got ${String(value)}`);
    }
  }
  for (const key of ['messagesPerSecond', 'bytesPerSecond'] as const) {
    const value = opts[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new SignalingOptionsError(`signaling option ${key} must be a positive number, got ${String(value)}`);
    }
  }
  if (opts.byteBurst < opts.maxMessageBytes) {
    throw new SignalingOptionsError(
      `signaling option byteBurst (${opts.byteBurst}) must be at least maxMessageBytes (${opts.maxMessageBytes}), or no message of the largest allowed size could ever pass`,
    );
  }
  if (typeof opts.allowMissingOrigin !== 'boolean') {
    throw new SignalingOptionsError(`signaling option allowMissingOrigin must be true or false, got ${String(opts.allowMissingOrigin)}`);
  }
  try {
    opts.allowedOrigins = opts.allowedOrigins.map(canonicalOrigin);
  } catch (err) {
    if (err instanceof OriginPolicyError) throw new SignalingOptionsError(`signaling option allowedOrigins: ${err.message}`);
    throw err;
  }
  return opts;
}

function pathOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

// ws closes oversized messages itself (good: before buffering them) but with an empty
// reason; give the peer an actionable one instead.
function withOversizeReason(socket: WebSocket, maxMessageBytes: number): void {
  const close = socket.close.bind(socket);
  socket.close = (code?: number, reason?: string | Buffer) =>
    close(
      code,
      code === CloseCode.messageTooBig && reason === undefined
        ? `message too big: at most ${maxMessageBytes} bytes`
        : reason,
    );
}

function parseMessage(data: RawData, isBinary: boolean, opts: ResolvedSignalingOptions): ClientMessage {
  const violation = (reason: string) => new ProtocolViolation(CloseCode.policyViolation, reason);
  if (isBinary) throw violation('binary frames are not accepted: send JSON text');
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawToString(data));
  } catch {
    throw violation('message is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw violation('message must be a JSON object');
  }
  const message = parsed as Record<string, unknown>;
  const checkTopic = (topic: unknown, field: string): string => {
    if (typeof topic !== 'string' || topic.length === 0) throw violation(`${field} must be a non-empty string`);
    if (Buffer.byteLength(topic) > opts.maxTopicBytes) {
      throw violation(`${field} too long: at most ${opts.maxTopicBytes} bytes`);
    }
    return topic;
  };
  switch (message.type) {
    case 'subscribe':
    case 'unsubscribe': {
      const list = message.topics;
      if (!Array.isArray(list)) throw violation(`${message.type}.topics must be an array of strings`);
      // Bound the work before looking at each entry.
      if (list.length > opts.maxTopicsPerConnection) {
        throw violation(`too many topics: at most ${opts.maxTopicsPerConnection} per connection`);
      }
      return { type: message.type, topics: list.map((t) => checkTopic(t, `${message.type}.topics[]`)) };
    }
    case 'publish':
      return { type: 'publish', topic: checkTopic(message.topic, 'publish.topic'), message };
    case 'ping':
      return { type: 'ping' };
    default:
      throw violation(
        typeof message.type === 'string'
          ? `unknown message type ${JSON.stringify(message.type.slice(0, 32))}`
          : 'message.type must be a string',
      );
  }
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
