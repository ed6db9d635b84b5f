import type { Link } from '../../core/mesh/Link.ts';
import { DEFAULT_MAX_CONNS, MAX_MAX_CONNS, MIN_MAX_CONNS, ringNeighbours } from '../../core/mesh/ringPolicy.ts';
import { openDataChannelLink } from './dataChannelLink.ts';
import { negotiate, type Negotiation } from './negotiation.ts';
import { deriveRoomKey, openRoomMessage, sealRoomMessage } from './roomCrypto.ts';
import { parseRoomMessage, roomMessageValue, type RoomMessage, type Signal } from './roomMessages.ts';
import { joinRoomSignaling, type WebSocketFactory } from './signalingClient.ts';

export interface RtcMeshOptions {
  /** Rendezvous room (the signaling topic); derive it so a server learns nothing (DESIGN §4). */
  roomName: string;
  /** Encrypts everything said in the room; peers without it cannot connect. */
  password: string;
  signalingUrls: string[];
  iceServers: RTCIceServer[];
  /** 'relay' uses TURN only (no direct or STUN paths). Default 'all'. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Most WebRTC connections kept in this room (a partial mesh, see ringPolicy). Default 20. */
  maxConns?: number;
  /** This node's id in the room (random per mesh). Default: a new UUID. */
  peerId?: string;
  /** Peers that are tabs of this browser profile get no WebRTC connection (see browserMesh). */
  isSameProfile?: (peerId: string) => boolean;
  maxMessageBytes?: number;
  /** A connection whose Link is not open by then is given up (and retried later). Default 10 s. */
  openTimeoutMs?: number;
  /** Called once per connection, when its Link is open. A new connection gives a new Link. */
  onLink: (link: Link, remotePeerId: string) => void;
  WebSocket?: WebSocketFactory;
}

export interface RtcMesh {
  readonly peerId: string;
  /** Ids of the peers this node has an open Link with. */
  peerIds(): string[];
  /** Look at the room again now (call it when isSameProfile's answers may have changed). */
  refresh(): void;
  /** Says goodbye in the room, closes every Link and leaves. */
  close(): void;
}

export class RtcMeshOptionsError extends Error {
  override readonly name = 'RtcMeshOptionsError';
}

/** Peers remembered per room; an announce from one more is ignored until some are forgotten. */
const MAX_ROSTER = 256;
/** Room messages waiting to be decrypted; beyond this a flood is dropped. */
const MAX_INBOX = 256;
/** Sessions of replaced connections remembered, so their late signals are told apart. */
const MAX_RETIRED_SESSIONS = 256;
// Every node says it is here on joining, on every (re)connection to a signaling server,
// after losing a connection, and every 30 s; a peer not heard for 90 s (and not connected)
// is forgotten, so rosters heal from lost messages and crashed peers.
const ANNOUNCE_EVERY_MS = 30_000;
const FORGET_AFTER_MS = 3 * ANNOUNCE_EVERY_MS;
/** A newly opened mesh hears the room's replies this long before it offers itself. */
const SETTLE_MS = 200;
// Connecting again to a peer after a failure: at once after a Link that lived 30 s, else
// 250 ms doubling up to 30 s (a peer that keeps refusing us is not hammered).
const HEALTHY_LINK_MS = 30_000;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 30_000;
/** How long a closing channel may take to send its CLOSE frame before its connection goes. */
const FLUSH_MS = 1000;

interface Conn {
  remote: string;
  /** Our id of this RTCPeerConnection, sent with every signal. */
  session: string;
  /** The other side's id of its RTCPeerConnection, from its first signal (y-webrtc peers send none). */
  remoteSession?: string;
  /** The signaling server to talk through (where we last heard the peer). */
  via?: string;
  negotiation: Negotiation;
  /** The open data channel, and the Link on it once both sides are ready. */
  channel?: RTCDataChannel;
  link?: Link;
  openedAt?: number;
  timer: ReturnType<typeof setTimeout>;
}

/** What to make of a connection that ends. */
interface Ending {
  /** The peer may be gone: forget it until it speaks again, and say we are here. */
  forget?: boolean;
  /** It counts as a failure to connect (back off before the next try). */
  failure?: boolean;
}

let linkCount = 0;

/**
 * A room of y-webrtc's signaling protocol, with our own RTCPeerConnections (perfect
 * negotiation) and one negotiated data channel each, wrapped as a Link. Peers announce
 * themselves; each node keeps connections to its ring neighbours (ringPolicy), at most
 * `maxConns` of them, never to tabs of its own browser profile.
 */
export function openRtcMesh(options: RtcMeshOptions): RtcMesh {
  const maxConns = options.maxConns ?? DEFAULT_MAX_CONNS;
  if (!Number.isInteger(maxConns) || maxConns < MIN_MAX_CONNS || maxConns > MAX_MAX_CONNS) {
    throw new RtcMeshOptionsError(`maxConns must be a whole number from ${MIN_MAX_CONNS} to ${MAX_MAX_CONNS}, got ${maxConns}`);
  }
  if (!options.password) throw new RtcMeshOptionsError('a room password is needed: everything said in the room is encrypted with it');
  const peerId = options.peerId ?? crypto.randomUUID();
  const openTimeoutMs = options.openTimeoutMs ?? 10_000;
  const configuration: RTCConfiguration = { iceServers: options.iceServers, iceTransportPolicy: options.iceTransportPolicy ?? 'all' };
  const isLocal = (id: string): boolean => options.isSameProfile?.(id) ?? false;
  const key = deriveRoomKey(options.password, options.roomName);
  key.catch(() => {}); // reported where it is awaited

  const roster = new Map<string, { heardAt: number; via: string }>();
  const conns = new Map<string, Conn>();
  const retries = new Map<string, { failures: number; at: number }>();
  const retired = new Set<string>();
  let closed = false;
  let initiateAfter = Infinity;
  let inboxLength = 0;
  let inbox: Promise<void> = Promise.resolve();
  let outbox: Promise<void> = Promise.resolve();
  let reconcileTimer: ReturnType<typeof setTimeout> | undefined;
  let announceTimer: ReturnType<typeof setTimeout> | undefined;

  // --- saying things in the room (sealed in order: an offer before its candidates) ---
  const say = (message: RoomMessage, via?: string): void => {
    outbox = outbox
      .then(async () => {
        const data = await sealRoomMessage(roomMessageValue(message), await key);
        signaling.publish(data, via);
      })
      .catch(() => {}); // no key (no password) or no socket open: nothing can be said
  };
  const announce = (to?: string, via?: string): void => say(to === undefined ? { type: 'announce', from: peerId } : { type: 'announce', from: peerId, to }, via);
  // Coalesces the announces of a burst of closes into one.
  const announceSoon = (): void => {
    if (closed || announceTimer) return;
    announceTimer = setTimeout(() => {
      announceTimer = undefined;
      if (!closed) announce();
    }, 50);
  };

  // --- hearing things (decrypted in arrival order) ---
  const receive = (data: unknown, url: string): void => {
    if (closed || typeof data !== 'string' || inboxLength >= MAX_INBOX) return;
    inboxLength++;
    inbox = inbox
      .then(async () => handle(parseRoomMessage(await openRoomMessage(data, await key)), url))
      .catch(() => {}) // not for us, not decryptable, not a room message: ignored
      .finally(() => inboxLength--);
  };

  const learn = (id: string, via: string): boolean => {
    const known = roster.has(id);
    if (!known && roster.size >= MAX_ROSTER && !evictOne()) return false;
    roster.delete(id); // re-inserted: the Map's order is least recently heard first
    roster.set(id, { heardAt: Date.now(), via });
    return !known;
  };

  /**
   * A full roster makes room by forgetting the peer heard from least recently that we hold
   * no connection to: whoever floods the room with made-up ids cannot keep newcomers out,
   * and peers we are connected to are never forgotten.
   */
  const evictOne = (): boolean => {
    for (const id of roster.keys()) {
      if (conns.has(id)) continue;
      roster.delete(id);
      return true;
    }
    return false;
  };

  const handle = (message: RoomMessage, url: string): void => {
    if (closed || message.from === peerId) return;
    if ('to' in message && message.to !== undefined && message.to !== peerId) return;
    switch (message.type) {
      case 'announce':
        // A newcomer hears back from everyone, so it learns the whole room at once.
        if (learn(message.from, url) && message.to === undefined) announce(message.from, url);
        break;
      case 'leave':
        roster.delete(message.from);
        break;
      case 'decline': {
        const conn = conns.get(message.from);
        if (conn && conn.session === message.session && !conn.link) end(conn, 'the other peer has no room for another connection', { failure: true });
        break;
      }
      case 'signal':
        onSignal(message, url);
        break;
    }
    reconcileSoon();
  };

  const onSignal = (message: Extract<RoomMessage, { type: 'signal' }>, url: string): void => {
    const { from, signal, session } = message;
    if (isLocal(from) || (session !== undefined && retired.has(session))) return;
    learn(from, url);
    let conn = conns.get(from);
    if (conn && session !== undefined && conn.remoteSession !== undefined && session !== conn.remoteSession) {
      if (signal.type !== 'offer') return; // from a connection the other side has since replaced
      end(conn, 'the other peer started a new connection', {});
      conn = undefined;
    }
    if (!conn) {
      if (signal.type !== 'offer') return;
      if (!wanted().has(from) && conns.size >= maxConns) {
        if (session !== undefined) say({ type: 'decline', from: peerId, to: from, session }, url);
        return;
      }
      conn = connect(from, url);
    }
    conn.remoteSession ??= session;
    conn.via = url;
    conn.negotiation.receive(signal);
  };

  // --- connections ---
  const connect = (remote: string, via: string | undefined): Conn => {
    const session = crypto.randomUUID();
    const conn: Conn = {
      remote,
      session,
      via,
      negotiation: negotiate({
        // Either way works as long as the two sides agree.
        polite: peerId < remote,
        configuration,
        send(signal: Signal) {
          if (conns.get(remote) === conn) say({ type: 'signal', from: peerId, to: remote, session, signal }, conn.via);
        },
        onOpen: (channel, pc) => wrap(conn, channel, pc),
        onFailed: (reason) => end(conn, reason, { forget: true, failure: true }),
      }),
      timer: setTimeout(() => end(conn, `no link after ${openTimeoutMs} ms`, { forget: true, failure: true }), openTimeoutMs),
    };
    conns.set(remote, conn);
    return conn;
  };

  // The channel is open on our side: both sides now exchange READY and have a Link.
  const wrap = (conn: Conn, channel: RTCDataChannel, pc: RTCPeerConnection): void => {
    conn.channel = channel;
    openDataChannelLink(channel, {
      id: `webrtc:${++linkCount}:${conn.remote}`,
      remoteHint: conn.remote,
      peerConnection: pc,
      maxMessageBytes: options.maxMessageBytes,
    }).then(
      (link) => {
        if (conns.get(conn.remote) !== conn) return link.close(closed ? 'mesh closed' : 'connection replaced');
        clearTimeout(conn.timer);
        conn.link = link;
        conn.openedAt = Date.now();
        link.onClose((reason) => end(conn, reason, { forget: true, failure: Date.now() - conn.openedAt! < HEALTHY_LINK_MS }));
        try {
          options.onLink(link, conn.remote);
        } catch (error) {
          link.close(`the link was refused here: ${error instanceof Error ? error.message : String(error)}`);
        }
        reconcileSoon(); // one more open link may put us over the limit
      },
      (error: Error) => end(conn, error.message, { forget: true, failure: true }),
    );
  };

  const end = (conn: Conn, reason: string, ending: Ending): void => {
    if (conns.get(conn.remote) !== conn) return;
    conns.delete(conn.remote);
    clearTimeout(conn.timer);
    if (conn.remoteSession) {
      if (retired.size >= MAX_RETIRED_SESSIONS) retired.delete(retired.values().next().value!);
      retired.add(conn.remoteSession);
    }
    const retry = retries.get(conn.remote) ?? { failures: 0, at: 0 };
    retry.failures = ending.failure ? retry.failures + 1 : 0;
    retry.at = retry.failures ? Date.now() + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (retry.failures - 1)) * (0.5 + Math.random() / 2) : 0;
    retries.delete(conn.remote);
    if (retry.failures) retries.set(conn.remote, retry);
    if (retries.size > MAX_ROSTER) retries.delete(retries.keys().next().value!);
    if (conn.link && conn.channel) {
      // The Link sends its CLOSE frame; the connection goes once that is out.
      conn.link.close(reason);
      closeAfterFlush(conn.channel, conn.negotiation);
    } else {
      conn.negotiation.close();
    }
    if (closed) return;
    if (ending.forget) {
      // Gone (a reload) or alive: a live peer saw the same close and announces itself again.
      roster.delete(conn.remote);
      announceSoon();
    }
    reconcileSoon();
  };

  // --- the policy: connect to ring neighbours, drop what is over the limit ---
  const wanted = (): Set<string> => ringNeighbours(peerId, roster.keys(), maxConns);

  const reconcile = (): void => {
    reconcileTimer = undefined;
    if (closed) return;
    const now = Date.now();
    for (const [id, entry] of roster) if (now - entry.heardAt > FORGET_AFTER_MS && !conns.has(id)) roster.delete(id);
    for (const conn of [...conns.values()]) if (isLocal(conn.remote)) end(conn, 'a tab of this browser profile: linked over BroadcastChannel instead', {});
    const want = wanted();
    // When to look again: once the settling is over, or a back-off ends.
    let next = now < initiateAfter ? initiateAfter : Infinity;
    if (now >= initiateAfter && signaling.openUrls().length > 0) {
      for (const id of want) {
        if (isLocal(id) || conns.has(id)) continue;
        const at = retries.get(id)?.at ?? 0;
        if (at > now) next = Math.min(next, at);
        else connect(id, roster.get(id)?.via);
      }
    }
    // Over the limit: unwanted connections still opening go first, then unwanted open
    // ones, newest first (long-lived links stay). Wanted ones are never dropped.
    const unwanted = [...conns.values()].filter((c) => !want.has(c.remote)).sort((a, b) => (b.openedAt ?? Infinity) - (a.openedAt ?? Infinity));
    let open = [...conns.values()].filter((c) => c.link).length;
    for (const conn of unwanted) {
      if (!conn.link && conns.size > maxConns) end(conn, 'not needed: the mesh is full', {});
      else if (conn.link && open > maxConns) {
        open--;
        end(conn, `not needed: this peer keeps at most ${maxConns} connections`, {});
      }
    }
    if (next !== Infinity && next > now) reconcileTimer = setTimeout(reconcile, next - now);
  };
  const reconcileSoon = (): void => {
    if (closed) return;
    clearTimeout(reconcileTimer);
    reconcileTimer = setTimeout(reconcile, 0);
  };

  const signaling = joinRoomSignaling({
    urls: options.signalingUrls,
    topic: options.roomName,
    WebSocket: options.WebSocket,
    onOpen(url) {
      if (closed) return; // between our goodbye and the unsubscribe
      if (initiateAfter === Infinity) initiateAfter = Date.now() + SETTLE_MS;
      announce(undefined, url);
      reconcileSoon();
    },
    onData: receive,
  });
  const periodic = setInterval(() => announce(), ANNOUNCE_EVERY_MS * (0.8 + Math.random() * 0.4));

  return {
    peerId,
    peerIds: () => [...conns.values()].flatMap((c) => (c.link && !c.link.closed ? [c.remote] : [])),
    refresh: reconcileSoon,
    close() {
      if (closed) return;
      say({ type: 'leave', from: peerId });
      closed = true;
      clearInterval(periodic);
      clearTimeout(reconcileTimer);
      clearTimeout(announceTimer);
      for (const conn of [...conns.values()]) end(conn, 'mesh closed', {});
      // After the goodbye has gone out.
      outbox = outbox.finally(() => signaling.close());
    },
  };
}

// Let a closing channel send what it holds (the CLOSE frame with our reason) before the
// connection under it goes.
function closeAfterFlush(channel: RTCDataChannel, negotiation: Negotiation): void {
  if (channel.readyState === 'closed') return negotiation.close();
  const timer = setTimeout(() => negotiation.close(), FLUSH_MS);
  channel.addEventListener(
    'close',
    () => {
      clearTimeout(timer);
      negotiation.close();
    },
    { once: true },
  );
}
