/*
 * A local WalletConnect relay for tests: a WebSocket server on loopback that speaks the
 * relay's JSON-RPC (the `irn_*` methods plus `wc_proposeSession`/`wc_approveSession`) and
 * routes the clients' encrypted envelopes by topic. It never decrypts anything: the dapp
 * and the wallet are real SignClients, and this is the network between them.
 *
 * Messages are kept per topic until their ttl (capped) and replayed to later subscribers,
 * like the hosted relay's mailbox; a client never gets its own messages back, also after it
 * reconnects (a reloaded dapp): clients are told apart by the `iss` of the auth JWT in
 * their connection URL, which is read but not verified. Every
 * resource is bounded (frame size, message size, topics, messages per topic, batch sizes,
 * subscriptions and connections) so a misbehaving client gets an error, not our memory.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';

export interface RelayLimits {
  /** Largest WebSocket frame accepted; bigger ones close the socket (1009). */
  maxFrameBytes: number;
  /** Largest `message` (base64 envelope) in a publish. */
  maxMessageChars: number;
  /** Topics known at once (with stored messages or subscribers). */
  maxTopics: number;
  /** Messages kept per topic; the oldest is dropped beyond this. */
  maxMessagesPerTopic: number;
  /** Entries in one batch call (subscribe, unsubscribe, fetch, publish). */
  maxBatch: number;
  /** Subscriptions one connection may hold. */
  maxSubscriptionsPerClient: number;
  /** Open connections. */
  maxClients: number;
  /** Longest time a message is kept, whatever ttl the publisher asked for. */
  maxTtlSeconds: number;
  /** WebSocket ping interval; the Node SDK drops a socket that sees no ping for 35 s. */
  pingIntervalMs: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  maxFrameBytes: 1024 * 1024,
  maxMessageChars: 256 * 1024,
  maxTopics: 10_000,
  maxMessagesPerTopic: 200,
  // The SDK batch-subscribes up to 500 topics at a time.
  maxBatch: 500,
  maxSubscriptionsPerClient: 2_000,
  maxClients: 200,
  maxTtlSeconds: 30 * 24 * 60 * 60,
  pingIntervalMs: 15_000,
};

export interface StartRelayOptions {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  limits?: Partial<RelayLimits>;
  /** Called with every JSON-RPC request a client sends (method and params), for tests. */
  onRequest?(method: string, params: unknown): void;
}

export interface Relay {
  /** ws://127.0.0.1:<port> — pass it as the SignClient's `relayUrl`. */
  url: string;
  /** How many messages are stored, per topic (for tests and bounds checks). */
  stats(): { clients: number; topics: number; messages: number };
  close(): Promise<void>;
}

export class RelayStartError extends Error {
  override name = 'RelayStartError';
}

/** Starts a relay on 127.0.0.1 and resolves once it listens. */
export async function startRelay(options: StartRelayOptions = {}): Promise<Relay> {
  const limits: RelayLimits = { ...DEFAULT_RELAY_LIMITS, ...options.limits };
  const router = new Router(limits);
  const wss = new WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0, maxPayload: limits.maxFrameBytes });

  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', (err) => reject(new RelayStartError(`the WalletConnect test relay could not listen on 127.0.0.1:${options.port ?? 0}: ${err.message}`)));
  });

  wss.on('connection', (socket, request) => {
    if (router.clientCount() >= limits.maxClients) {
      socket.close(1013, `relay full: ${limits.maxClients} connections`);
      return;
    }
    const client = router.connect(socket, clientIdOf(request.url));
    socket.on('message', (data, isBinary) => {
      if (isBinary) return client.sendError(null, RPC.invalidRequest, 'the relay speaks JSON-RPC text frames');
      router.onFrame(client, data, options.onRequest);
    });
    socket.on('close', () => router.disconnect(client));
    socket.on('error', () => socket.terminate());
  });

  const pinger = setInterval(() => {
    for (const socket of wss.clients) socket.ping();
    router.sweep(Date.now());
  }, limits.pingIntervalMs);
  pinger.unref();

  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    stats: () => router.stats(),
    close: async () => {
      clearInterval(pinger);
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

// JSON-RPC error codes used here.
const RPC = { parse: -32700, invalidRequest: -32600, methodNotFound: -32601, invalidParams: -32602, limit: -32000 } as const;

/** A request the relay refuses, answered as a JSON-RPC error. */
class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface StoredMessage {
  topic: string;
  message: string;
  tag: number;
  publishedAt: number;
  expiresAt: number;
  attestation?: string;
  /** The publisher's client id: it never gets the message back. */
  from: string;
}

interface Topic {
  messages: StoredMessage[];
  /** Subscriber -> its subscription id for this topic. */
  subscribers: Map<Client, string>;
}

class Client {
  /** Subscription id -> topic. */
  readonly subscriptions = new Map<string, string>();
  private pushId = Date.now() * 1000;

  constructor(
    readonly socket: WebSocket,
    /** The SDK's client id (stable across reconnects), or a per-connection one. */
    readonly id: string,
  ) {}

  /** sha256(topic + client id), the id the SDK computes on its side too; subscribing is idempotent. */
  subscriptionId(topic: string): string {
    return createHash('sha256').update(topic + this.id).digest('hex');
  }

  push(subscriptionId: string, m: StoredMessage): void {
    const data: Record<string, unknown> = { topic: m.topic, message: m.message, publishedAt: m.publishedAt, tag: m.tag };
    if (m.attestation !== undefined) data.attestation = m.attestation;
    this.send({ id: ++this.pushId, jsonrpc: '2.0', method: 'irn_subscription', params: { id: subscriptionId, data } });
  }

  sendResult(id: number | string, result: unknown): void {
    this.send({ id, jsonrpc: '2.0', result });
  }

  sendError(id: number | string | null, code: number, message: string): void {
    this.send({ id, jsonrpc: '2.0', error: { code, message } });
  }

  private send(payload: unknown): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(payload));
  }
}

/** Topic routing and storage, independent of the socket server. */
class Router {
  private readonly topics = new Map<string, Topic>();
  private readonly clients = new Set<Client>();

  constructor(private readonly limits: RelayLimits) {}

  clientCount(): number {
    return this.clients.size;
  }

  stats(): { clients: number; topics: number; messages: number } {
    let messages = 0;
    for (const t of this.topics.values()) messages += t.messages.length;
    return { clients: this.clients.size, topics: this.topics.size, messages };
  }

  connect(socket: WebSocket, clientId: string): Client {
    const client = new Client(socket, clientId);
    this.clients.add(client);
    return client;
  }

  disconnect(client: Client): void {
    this.clients.delete(client);
    for (const topic of client.subscriptions.values()) {
      this.topics.get(topic)?.subscribers.delete(client);
      this.dropIfIdle(topic);
    }
    client.subscriptions.clear();
  }

  onFrame(client: Client, data: RawData, onRequest?: (method: string, params: unknown) => void): void {
    let payload: unknown;
    try {
      payload = JSON.parse(data.toString());
    } catch {
      return client.sendError(null, RPC.parse, 'not JSON');
    }
    if (!isObject(payload)) return client.sendError(null, RPC.invalidRequest, 'a JSON-RPC payload is an object');
    const id = payload.id;
    if (typeof id !== 'number' && typeof id !== 'string') return client.sendError(null, RPC.invalidRequest, 'a JSON-RPC payload needs an id');
    // Responses from clients are acknowledgements of our irn_subscription pushes.
    if (!('method' in payload)) return;
    const method = payload.method;
    if (typeof method !== 'string') return client.sendError(id, RPC.invalidRequest, 'method must be a string');
    onRequest?.(method, payload.params);
    try {
      client.sendResult(id, this.handle(client, method, payload.params));
    } catch (err) {
      if (!(err instanceof RpcError)) throw err;
      client.sendError(id, err.code, err.message);
    }
  }

  /** Drops expired messages and idle topics; called periodically. */
  sweep(now: number): void {
    for (const [name, topic] of this.topics) {
      topic.messages = topic.messages.filter((m) => m.expiresAt > now);
      if (topic.messages.length === 0 && topic.subscribers.size === 0) this.topics.delete(name);
    }
  }

  private handle(client: Client, method: string, params: unknown): unknown {
    const p = isObject(params) ? params : {};
    switch (method) {
      case 'irn_subscribe':
        return this.subscribe(client, topicOf(p.topic));
      case 'irn_batchSubscribe':
        return this.batch(p.topics, 'topics').map((t) => this.subscribe(client, topicOf(t)));
      case 'irn_unsubscribe':
        this.unsubscribe(client, topicOf(p.topic));
        return true;
      case 'irn_batchUnsubscribe':
        for (const s of this.batch(p.subscriptions, 'subscriptions')) this.unsubscribe(client, topicOf(isObject(s) ? s.topic : undefined));
        return true;
      case 'irn_publish':
        this.publish(client, publishParams(p));
        return true;
      case 'irn_batchPublish':
        for (const m of this.batch(p.messages, 'messages')) this.publish(client, publishParams(isObject(m) ? m : {}));
        return true;
      case 'irn_batchFetchMessages':
        return this.fetch(client, this.batch(p.topics, 'topics').map(topicOf));
      case 'wc_proposeSession': {
        // The dapp's pairing topic was created with skipSubscribe: the relay subscribes it.
        const pairingTopic = topicOf(p.pairingTopic);
        const proposal = messageOf(p.sessionProposal, 'sessionProposal', this.limits);
        this.subscribe(client, pairingTopic);
        this.publish(client, { topic: pairingTopic, message: proposal, tag: 1100, ttl: ttlOf(p.ttl), attestation: attestationOf(p.attestation) });
        return true;
      }
      case 'wc_approveSession': {
        const sessionTopic = topicOf(p.sessionTopic);
        const pairingTopic = topicOf(p.pairingTopic);
        const response = messageOf(p.sessionProposalResponse, 'sessionProposalResponse', this.limits);
        const settlement = messageOf(p.sessionSettlementRequest, 'sessionSettlementRequest', this.limits);
        this.subscribe(client, sessionTopic);
        this.publish(client, { topic: pairingTopic, message: response, tag: 1101, ttl: ttlOf(p.ttl) });
        this.publish(client, { topic: sessionTopic, message: settlement, tag: 1102, ttl: ttlOf(p.ttl) });
        return true;
      }
      default:
        throw new RpcError(RPC.methodNotFound, `unknown method ${method}`);
    }
  }

  private subscribe(client: Client, name: string): string {
    const id = client.subscriptionId(name);
    if (client.subscriptions.has(id)) return id;
    if (client.subscriptions.size >= this.limits.maxSubscriptionsPerClient) {
      throw new RpcError(RPC.limit, `too many subscriptions on one connection (limit ${this.limits.maxSubscriptionsPerClient})`);
    }
    const topic = this.topic(name);
    topic.subscribers.set(client, id);
    client.subscriptions.set(id, name);
    // Replay after the result is on its way: the client learns its subscription first.
    const now = Date.now();
    const pending = topic.messages.filter((m) => m.from !== client.id && m.expiresAt > now);
    if (pending.length > 0) queueMicrotask(() => pending.forEach((m) => client.push(id, m)));
    return id;
  }

  private unsubscribe(client: Client, name: string): void {
    const id = client.subscriptionId(name);
    client.subscriptions.delete(id);
    this.topics.get(name)?.subscribers.delete(client);
    this.dropIfIdle(name);
  }

  private publish(from: Client, p: PublishParams): void {
    if (p.message.length > this.limits.maxMessageChars) {
      throw new RpcError(RPC.limit, `message of ${p.message.length} characters is over the relay's limit of ${this.limits.maxMessageChars}`);
    }
    const topic = this.topic(p.topic);
    const now = Date.now();
    const ttl = Math.min(p.ttl, this.limits.maxTtlSeconds);
    const stored: StoredMessage = { topic: p.topic, message: p.message, tag: p.tag, publishedAt: now, expiresAt: now + ttl * 1000, from: from.id };
    if (p.attestation !== undefined) stored.attestation = p.attestation;
    topic.messages = topic.messages.filter((m) => m.expiresAt > now);
    topic.messages.push(stored);
    if (topic.messages.length > this.limits.maxMessagesPerTopic) topic.messages.shift();
    for (const [subscriber, id] of topic.subscribers) if (subscriber.id !== from.id) subscriber.push(id, stored);
  }

  private fetch(client: Client, names: string[]): { messages: Record<string, unknown>[]; hasMore: boolean } {
    const now = Date.now();
    const messages: Record<string, unknown>[] = [];
    let hasMore = false;
    for (const name of names) {
      for (const m of this.topics.get(name)?.messages ?? []) {
        if (m.from === client.id || m.expiresAt <= now) continue;
        if (messages.length >= this.limits.maxBatch) hasMore = true;
        else messages.push({ topic: m.topic, message: m.message, publishedAt: m.publishedAt, tag: m.tag, attestation: m.attestation });
      }
    }
    return { messages, hasMore };
  }

  private topic(name: string): Topic {
    let topic = this.topics.get(name);
    if (!topic) {
      if (this.topics.size >= this.limits.maxTopics) {
        this.sweep(Date.now());
        if (this.topics.size >= this.limits.maxTopics) throw new RpcError(RPC.limit, `relay full: ${this.limits.maxTopics} topics`);
      }
      topic = { messages: [], subscribers: new Map() };
      this.topics.set(name, topic);
    }
    return topic;
  }

  private dropIfIdle(name: string): void {
    const topic = this.topics.get(name);
    if (topic && topic.messages.length === 0 && topic.subscribers.size === 0) this.topics.delete(name);
  }

  private batch(value: unknown, what: string): unknown[] {
    if (!Array.isArray(value)) throw new RpcError(RPC.invalidParams, `${what} must be an array`);
    if (value.length > this.limits.maxBatch) throw new RpcError(RPC.limit, `${value.length} ${what} in one batch; the limit is ${this.limits.maxBatch}`);
    return value;
  }
}

interface PublishParams {
  topic: string;
  message: string;
  tag: number;
  ttl: number;
  attestation?: string;
}

function publishParams(p: Record<string, unknown>): PublishParams {
  const out: PublishParams = { topic: topicOf(p.topic), message: messageOf(p.message, 'message'), tag: tagOf(p.tag), ttl: ttlOf(p.ttl) };
  const attestation = attestationOf(p.attestation);
  if (attestation !== undefined) out.attestation = attestation;
  return out;
}

// Topics are 32-byte hex strings (sha256 of a symmetric key).
const TOPIC = /^[0-9a-f]{64}$/;

function topicOf(value: unknown): string {
  if (typeof value !== 'string' || !TOPIC.test(value)) throw new RpcError(RPC.invalidParams, 'a topic is 64 lowercase hex characters');
  return value;
}

function messageOf(value: unknown, what: string, limits?: RelayLimits): string {
  if (typeof value !== 'string' || value.length === 0) throw new RpcError(RPC.invalidParams, `${what} must be a non-empty string`);
  if (limits && value.length > limits.maxMessageChars) {
    throw new RpcError(RPC.limit, `${what} of ${value.length} characters is over the relay's limit of ${limits.maxMessageChars}`);
  }
  return value;
}

function tagOf(value: unknown): number {
  if (value === undefined) return 0;
  if (!Number.isSafeInteger(value)) throw new RpcError(RPC.invalidParams, 'tag must be an integer');
  return value as number;
}

const DEFAULT_TTL_SECONDS = 300;

function ttlOf(value: unknown): number {
  if (value === undefined) return DEFAULT_TTL_SECONDS;
  if (!Number.isSafeInteger(value) || (value as number) <= 0) throw new RpcError(RPC.invalidParams, 'ttl must be a positive integer (seconds)');
  return value as number;
}

function attestationOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > 16 * 1024) throw new RpcError(RPC.invalidParams, 'attestation must be a string of at most 16 KiB');
  return value;
}

/**
 * The `iss` (the client's did:key) of the auth JWT in `?auth=`, unverified: identity for
 * routing only. Without one, the connection is its own client.
 */
function clientIdOf(url: string | undefined): string {
  const fallback = `connection:${randomBytes(16).toString('hex')}`;
  const auth = new URL(url ?? '/', 'ws://relay').searchParams.get('auth');
  const payload = auth?.split('.')[1];
  if (!payload || payload.length > 4096) return fallback;
  try {
    const { iss } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof iss === 'string' && iss.length > 0 && iss.length <= 256 ? iss : fallback;
  } catch {
    return fallback;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
