// y-webrtc-compatible signaling relay (same JSON protocol as y-webrtc's bin/server.js),
// hardened with explicit limits so one misbehaving client cannot hurt the others.
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { RawData } from 'ws';

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
}

export type ResolvedSignalingOptions = Required<SignalingOptions>;

export const DEFAULT_SIGNALING_OPTIONS: ResolvedSignalingOptions = {
  path: '/signal',
  maxMessageBytes: 256 * 1024,
  maxTopicsPerConnection: 128,
  maxTopicBytes: 512,
  idleTimeoutMs: 60_000,
  maxBufferedBytes: 8 * 1024 * 1024,
};

/** Close codes this relay uses (RFC 6455 §7.4.1). */
export const CloseCode = {
  goingAway: 1001,
  policyViolation: 1008,
  messageTooBig: 1009,
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

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (pathOf(request) !== opts.path) {
      // Leave foreign paths to other upgrade listeners; if there are none, refuse cleanly.
      if (httpServer.listenerCount('upgrade') === 1) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws));
  };

  function onConnection(socket: WebSocket): void {
    const conn: Connection = { socket, topics: new Set(), lastHeardAt: Date.now() };
    connections.add(conn);
    withOversizeReason(socket, opts.maxMessageBytes);

    socket.on('pong', () => {
      conn.lastHeardAt = Date.now();
    });
    socket.on('message', (data, isBinary) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      conn.lastHeardAt = Date.now();
      try {
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
  ] as const) {
    const value = opts[key];
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new SignalingOptionsError(`signaling option ${key} must be a positive integer, got ${String(value)}`);
    }
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

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
