// Client of y-webrtc's signaling protocol (JSON over WebSocket, relayed by server/signaling.ts
// or any y-webrtc signaling server): {type:'subscribe'|'unsubscribe', topics},
// {type:'publish', topic, data}, {type:'ping'} → {type:'pong'}; a publish comes back to
// every subscriber of the topic.
//
// Rooms share sockets: one WebSocket per server URL carries up to MAX_TOPICS_PER_SOCKET
// rooms (the server caps topics per connection), as y-webrtc does. A socket reconnects with
// back-off for as long as a room uses it, and never sends unless it is OPEN: whatever a room
// would have said while it was down, it says again from `onOpen` (subscribe, announce).

/** Rooms on one socket; a server allows 128 (server/signaling.ts), leave room for others. */
const MAX_TOPICS_PER_SOCKET = 100;
/** Largest message sent or accepted, in characters (the server takes up to 256 KiB). */
export const MAX_SIGNALING_MESSAGE_CHARS = 128 * 1024;
// Reconnect delays: 100 ms doubling up to 1 s (jittered to 50–100%), so peers are back
// within about a second of a server restart (the mesh's budget is 2 s). A server that
// refuses us by policy (1008 policy, 1009 too big, 1013 try later) is retried every 30 s.
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 1000;
const RETRY_REFUSED_MS = 30_000;
const REFUSED_CODES = new Set([1008, 1009, 1013]);
// A server that refuses the handshake (403 origin, 429 per-IP cap, 503 full) or cannot be
// reached closes with 1006 before opening: after this many such attempts the delay doubles
// from RETRY_MAX_MS up to RETRY_REFUSED_MS, so an overloaded server is not hammered.
const FAILED_OPENS_BEFORE_SLOWING = 5;
/** A socket still CONNECTING after this (a stalled upgrade) is dropped and tried again. */
const CONNECT_TIMEOUT_MS = 10_000;
/** A socket open this long is healthy: its next outage starts the back-off afresh. */
const HEALTHY_AFTER_MS = 5000;
// Liveness: ping after 15 s of silence; a socket silent for 35 s is dead (a NAT dropped it,
// the server vanished without a close) and is replaced.
const PING_AFTER_MS = 15_000;
const DEAD_AFTER_MS = 35_000;
const CHECK_EVERY_MS = 5000;
/** A socket no room uses any more stays this long for a room that opens again. */
const LINGER_MS = 3000;

const CONNECTING = 0;
const OPEN = 1;

/** The WebSocket constructor used; tests in Node pass `ws`'s. */
export type WebSocketFactory = new (url: string) => WebSocket;

export class SignalingError extends Error {
  override readonly name = 'SignalingError';
}

export interface RoomSignalingOptions {
  urls: string[];
  /** The room name: the topic subscribed to. */
  topic: string;
  /** A socket to `url` opened (first time or again): subscribed already; announce now. */
  onOpen(url: string): void;
  /** A publish on the topic, as the server relayed it (`data` is unchecked). */
  onData(data: unknown, url: string): void;
  WebSocket?: WebSocketFactory;
}

export interface RoomSignaling {
  /** Publishes on every open socket, or only on `via`'s when that one is open. Returns how many sockets took it. */
  publish(data: string, via?: string): number;
  /** URLs whose socket is open now. */
  openUrls(): string[];
  /** Unsubscribes; a socket no room uses any more is closed. */
  close(): void;
}

interface Topic {
  onOpen(url: string): void;
  onData(data: unknown, url: string): void;
}

interface Socket {
  url: string;
  topics: Map<string, Topic>;
  isOpen(): boolean;
  send(message: object): boolean;
  add(topic: string, listener: Topic): void;
  remove(topic: string): void;
}

const pool = new Map<string, Socket[]>();

export function joinRoomSignaling(options: RoomSignalingOptions): RoomSignaling {
  if (options.urls.length === 0) throw new SignalingError('no signaling server: add one in Settings');
  const factory = options.WebSocket ?? globalThis.WebSocket;
  const listener: Topic = { onOpen: options.onOpen, onData: options.onData };
  const sockets = [...new Set(options.urls)].map((url) => {
    const list = pool.get(url) ?? [];
    pool.set(url, list);
    let socket = list.find((s) => s.topics.size < MAX_TOPICS_PER_SOCKET && !s.topics.has(options.topic));
    if (!socket) list.push((socket = openSocket(url, factory)));
    socket.add(options.topic, listener);
    return socket;
  });
  let closed = false;
  return {
    publish(data, via) {
      if (closed) return 0;
      const viaSocket = via === undefined ? undefined : sockets.find((s) => s.url === via && s.isOpen());
      const targets = viaSocket ? [viaSocket] : sockets;
      let sent = 0;
      for (const socket of targets) if (socket.send({ type: 'publish', topic: options.topic, data })) sent++;
      return sent;
    },
    openUrls: () => sockets.filter((s) => s.isOpen()).map((s) => s.url),
    close() {
      if (closed) return;
      closed = true;
      for (const socket of sockets) socket.remove(options.topic);
    },
  };
}

function openSocket(url: string, factory: WebSocketFactory): Socket {
  const topics = new Map<string, Topic>();
  let ws: WebSocket | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let attempts = 0;
  /** Attempts in a row that never opened. */
  let failedOpens = 0;
  let connectingSince = 0;
  let openedAt = 0;
  let lastHeard = 0;
  let lastSent = 0;
  let destroyed = false;

  const isOpen = (): boolean => ws?.readyState === OPEN;
  const send = (message: object): boolean => {
    if (!ws || ws.readyState !== OPEN) return false;
    const text = JSON.stringify(message);
    if (text.length > MAX_SIGNALING_MESSAGE_CHARS) throw new SignalingError(`a signaling message of ${text.length} characters is over the limit of ${MAX_SIGNALING_MESSAGE_CHARS}`);
    try {
      ws.send(text);
    } catch {
      return false; // closing under us: the next open says it again
    }
    lastSent = Date.now();
    return true;
  };

  const connect = (): void => {
    retry = undefined;
    if (destroyed) return;
    let socket: WebSocket;
    try {
      socket = new factory(url);
    } catch {
      // A URL the browser refuses (validated in Settings, so rare): keep trying slowly.
      return scheduleRetry(RETRY_REFUSED_MS);
    }
    ws = socket;
    connectingSince = Date.now();
    socket.addEventListener('open', () => {
      if (ws !== socket) return;
      failedOpens = 0;
      openedAt = lastHeard = Date.now();
      send({ type: 'subscribe', topics: [...topics.keys()] });
      for (const [, topic] of topics) topic.onOpen(url);
    });
    socket.addEventListener('message', (event: MessageEvent) => {
      if (ws !== socket) return;
      lastHeard = Date.now();
      if (typeof event.data !== 'string' || event.data.length > MAX_SIGNALING_MESSAGE_CHARS) return;
      let message: unknown;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (typeof message !== 'object' || message === null) return;
      const { type, topic, data } = message as { type?: unknown; topic?: unknown; data?: unknown };
      if (type !== 'publish' || typeof topic !== 'string') return;
      topics.get(topic)?.onData(data, url);
    });
    // 'error' is always followed by 'close'; listening keeps it from being reported as unhandled.
    socket.addEventListener('error', () => {});
    socket.addEventListener('close', (event: CloseEvent) => {
      if (ws !== socket) return;
      ws = undefined;
      if (openedAt && Date.now() - openedAt >= HEALTHY_AFTER_MS) attempts = 0;
      if (!openedAt) failedOpens++;
      openedAt = 0;
      scheduleRetry(retryDelay(event));
    });
  };

  /** A fixed delay for this close, or undefined for the usual back-off. */
  const retryDelay = (event: CloseEvent): number | undefined => {
    // Over the server's rate limit: its bucket refills within a second or two.
    if (event.code === 1008 && event.reason.startsWith('rate limit')) return 2 * RETRY_MAX_MS;
    if (REFUSED_CODES.has(event.code)) return RETRY_REFUSED_MS;
    if (failedOpens > FAILED_OPENS_BEFORE_SLOWING) return Math.min(RETRY_REFUSED_MS, RETRY_MAX_MS * 2 ** (failedOpens - FAILED_OPENS_BEFORE_SLOWING));
    return undefined;
  };

  const scheduleRetry = (fixedMs?: number): void => {
    if (destroyed || retry) return;
    const backoff = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempts++);
    const delay = (fixedMs ?? backoff) * (0.5 + Math.random() / 2);
    retry = setTimeout(connect, delay);
  };

  const liveness = setInterval(() => {
    const now = Date.now();
    if (ws?.readyState === CONNECTING && now - connectingSince > CONNECT_TIMEOUT_MS) {
      const stalled = ws;
      ws = undefined;
      failedOpens++;
      stalled.close();
      return scheduleRetry(retryDelay({ code: 1006, reason: '' } as CloseEvent));
    }
    if (!ws || ws.readyState !== OPEN) return;
    if (now - lastHeard > DEAD_AFTER_MS) {
      const dead = ws;
      ws = undefined;
      dead.close();
      scheduleRetry();
    } else if (now - lastHeard > PING_AFTER_MS && now - lastSent > PING_AFTER_MS / 3) {
      send({ type: 'ping' });
    }
  }, CHECK_EVERY_MS);

  let linger: ReturnType<typeof setTimeout> | undefined;
  const destroy = (): void => {
    if (topics.size > 0) return;
    destroyed = true;
    clearInterval(liveness);
    clearTimeout(retry);
    const list = pool.get(url)?.filter((s) => s !== socket) ?? [];
    if (list.length) pool.set(url, list);
    else pool.delete(url);
    const last = ws;
    ws = undefined;
    // Closing a CONNECTING socket makes the browser log an error: let it open first.
    if (last?.readyState === CONNECTING) last.addEventListener('open', () => last.close(1000, 'no room left'));
    else last?.close(1000, 'no room left');
  };

  const socket: Socket = {
    url,
    topics,
    isOpen,
    send,
    add(topic, listener) {
      clearTimeout(linger);
      topics.set(topic, listener);
      if (!isOpen()) return; // subscribed on open
      send({ type: 'subscribe', topics: [topic] });
      // After joinRoomSignaling has returned, so the room can publish from onOpen.
      queueMicrotask(() => {
        if (topics.get(topic) === listener && isOpen()) listener.onOpen(url);
      });
    },
    remove(topic) {
      if (!topics.delete(topic)) return;
      send({ type: 'unsubscribe', topics: [topic] });
      // No room uses it any more: close it, after a moment in which a room opening again
      // (a mesh restarting, a page rejoining) can take it over without a new handshake.
      if (topics.size === 0) linger = setTimeout(destroy, LINGER_MS);
    },
  };
  connect();
  return socket;
}
