import type { Link } from '../../core/mesh/Link.ts';
import type { LinkEnd } from '../../core/mesh/linkEnd.ts';
import { linkEnd } from '../../core/mesh/linkEnd.ts';

export interface BroadcastMeshOptions {
  /** Tabs opening the same name find each other (one profile, one origin). */
  channelName: string;
  /** This tab's id, unique among the tabs (e.g. crypto.randomUUID()). */
  selfId: string;
  /** Called once per other tab found (and again if that tab restarts its mesh). */
  onLink: (link: Link, remoteId: string) => void;
  maxMessageBytes?: number;
}

export interface BroadcastMesh {
  /** Ids of the tabs this one has an open Link with. */
  peerIds(): string[];
  /** Closes every Link (telling the other tabs) and leaves the channel. */
  close(): void;
}

// Every post names its sender (id and session: one run of a mesh) and, except `hello`,
// its addressee, so one BroadcastChannel carries many point-to-point links.
type Wire =
  | { t: 'hello'; from: string; fs: string }
  | { t: 'hello-back' | 'bye' | 'msg'; from: string; fs: string; to: string; ts: string; data?: Uint8Array; reason?: string };

interface Peer {
  session: string;
  end: LinkEnd;
  /** Stops watching the other tab's lock. */
  unwatch: AbortController;
}

let linkCount = 0;
/** How long a link outlives the other tab's lock, so its last posts still arrive. */
const GONE_GRACE_MS = 250;

/**
 * Links between the tabs of one browser profile over one BroadcastChannel: a tab says
 * `hello`, each tab already there answers `hello-back` and both sides get a Link.
 *
 * A tab that goes without saying `bye` (crash, killed process, terminated worker) is
 * noticed through Web Locks: each mesh holds a lock named after itself for its whole life,
 * and every tab linked to it waits on that lock, which is granted the moment the holder's
 * context is gone. The mesh only starts talking once it holds its own lock, so nobody
 * can wait on it too early. Without Web Locks only `bye` (sent on close and on pagehide)
 * closes links.
 *
 * BroadcastChannel gives no back-pressure: `send` resolves at once. Every tab on the
 * channel receives (and discards) the posts addressed to the others.
 */
export function openBroadcastMesh(options: BroadcastMeshOptions): BroadcastMesh {
  const { channelName, selfId } = options;
  const session = crypto.randomUUID();
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  const lockName = (id: string, s: string): string => `tabnode-broadcast-mesh:${channelName}:${id}:${s}`;
  const peers = new Map<string, Peer>();
  let channel: BroadcastChannel | undefined;
  let closed = false;
  let releaseOwnLock = (): void => {};

  const post = (wire: Wire): void => channel?.postMessage(wire);
  const to = (id: string, peer: Peer) => ({ from: selfId, fs: session, to: id, ts: peer.session });

  const addPeer = (id: string, remoteSession: string, answer: boolean): void => {
    peers.get(id)?.end.end('the other tab restarted its mesh');
    const unwatch = new AbortController();
    const end = linkEnd({
      id: `broadcast:${++linkCount}:${id}`,
      remoteHint: id,
      maxMessageBytes: options.maxMessageBytes,
      transmit(message) {
        // Structured clone copies the whole underlying buffer: post only the bytes.
        const data = message.byteLength === message.buffer.byteLength ? message : message.slice();
        post({ t: 'msg', ...to(id, peer), data });
      },
      shutdown(reason) {
        post({ t: 'bye', ...to(id, peer), reason });
      },
    });
    const peer: Peer = { session: remoteSession, end, unwatch };
    peers.set(id, peer);
    end.link.onClose(() => {
      unwatch.abort();
      if (peers.get(id) === peer) peers.delete(id);
    });
    locks
      ?.request(lockName(id, remoteSession), { signal: unwatch.signal }, () => {
        // Posts it sent before going (its bye too) may still be on their way: let them land.
        setTimeout(() => end.end('the other tab is gone'), GONE_GRACE_MS);
      })
      .catch(() => {}); // aborted: the link closed first
    // Answer before the user sees the link: its first message must not overtake the answer.
    if (answer) post({ t: 'hello-back', ...to(id, peer) });
    options.onLink(end.link, id);
  };

  const onMessage = (event: MessageEvent<unknown>): void => {
    const wire = event.data as Partial<Wire> | null;
    if (closed || typeof wire !== 'object' || wire === null) return;
    const { from, fs } = wire;
    if (typeof from !== 'string' || typeof fs !== 'string' || from === selfId) return;
    if (wire.t === 'hello') {
      addPeer(from, fs, true);
      return;
    }
    if (!('to' in wire) || wire.to !== selfId || wire.ts !== session) return;
    const peer = peers.get(from);
    if (wire.t === 'hello-back') {
      if (peer?.session !== fs) addPeer(from, fs, false);
      return;
    }
    if (!peer || peer.session !== fs) return; // a post for a link that is gone
    if (wire.t === 'msg' && wire.data instanceof Uint8Array) peer.end.receive(wire.data);
    else if (wire.t === 'bye') peer.end.end(`closed by the other side: ${String(wire.reason ?? 'bye')}`);
  };

  const closeLinks = (reason: string): void => {
    for (const peer of [...peers.values()]) peer.end.link.close(reason);
  };
  const onPageHide = (): void => closeLinks('this tab is going away');
  const onPageShow = (event: PageTransitionEvent): void => {
    if (event.persisted) post({ t: 'hello', from: selfId, fs: session }); // back from the back/forward cache
  };

  const start = (): void => {
    if (closed) return;
    channel = new BroadcastChannel(channelName);
    channel.addEventListener('message', onMessage);
    globalThis.addEventListener?.('pagehide', onPageHide);
    globalThis.addEventListener?.('pageshow', onPageShow);
    post({ t: 'hello', from: selfId, fs: session });
  };

  if (locks) {
    void locks.request(lockName(selfId, session), () => {
      start();
      return new Promise<void>((resolve) => (releaseOwnLock = resolve));
    });
  } else {
    start();
  }

  return {
    peerIds: () => [...peers].flatMap(([id, peer]) => (peer.end.link.closed ? [] : [id])),
    close() {
      if (closed) return;
      closeLinks('mesh closed');
      closed = true;
      globalThis.removeEventListener?.('pagehide', onPageHide);
      globalThis.removeEventListener?.('pageshow', onPageShow);
      channel?.close();
      releaseOwnLock();
    },
  };
}
