import { toHex } from '../core/crypto/index.ts';
import {
  DIRECTORY_LIMITS,
  directoryLink,
  directoryRoom,
  directoryRoots,
  type DirectoryEntry,
  type DirectoryPeerInfo,
  type DirectorySession,
  type Holding,
} from '../core/directory/index.ts';
import type { ProofOptions, RootId } from '../core/identity/index.ts';
import type { Scheduler } from '../core/mesh/Scheduler.ts';
import { beyondHistory, type StoreEvents } from '../core/store/index.ts';
import type { MeshPort } from './contexts/meshPort.ts';
import { NotSignedInError, type IdentityService, type SigningIdentity } from './identityService.ts';
import { SETTINGS_LIMITS, type NodeSettings } from './settings.ts';

/** What the directory needs of the context service. */
export interface DirectoryContexts {
  holdings(): Promise<Holding[]>;
  /** Contexts forgotten on this profile: not rejoined when an answer names them. */
  forgotten(): Promise<string[]>;
  rejoin(entry: { id: string; name: string; secret: Uint8Array; signaling?: string[] }): Promise<void>;
  onChange(listener: () => void): () => void;
}

export interface DirectoryDeps {
  identity: Pick<IdentityService, 'signing'>;
  contexts: DirectoryContexts;
  /** Its changes (a login, a rotated key, a new context) make the directory look again. */
  store: Pick<StoreEvents, 'onChange'>;
  mesh: MeshPort;
  settings(): Promise<NodeSettings>;
  scheduler: Scheduler;
  now(): number;
  randomBytes(length: number): Uint8Array;
  /** How contract-account proofs are checked (an RPC from Settings). */
  proofs?: ProofOptions;
}

export const DIRECTORY_SERVICE = {
  /** Changes arrive in bursts (every op is one): look again at most this often. */
  refreshDelayMs: 500,
  /**
   * Contexts taken from the directory whose history has not yet shown this root as a member.
   * Past this, further entries wait: anyone who knows a root can answer in its room, so this
   * bounds what a junk answer can make a new device open.
   */
  unsettledRejoins: 256,
  /** Unsettled rejoins one answering peer may cause: one junk answerer cannot use up the bound above. */
  unsettledPerAnswerer: 32,
  problemsKept: 20,
} as const;

export interface DirectoryStatus {
  running: boolean;
  root?: RootId;
  rooms: { root: RootId; own: boolean; peers: DirectoryPeerInfo[] }[];
  /** Context ids this node came back to through the directory, oldest first. */
  rejoined: string[];
  problems: string[];
}

interface JoinedRoom {
  root: RootId;
  /** The signaling URLs and network settings it was joined with: a change means joining again. */
  network: string;
  handle: { leave(): void };
  sessions: Map<string, DirectorySession>;
}

/**
 * The membership directory: membership belongs to a root, so a new device of that root (a
 * wallet login in a fresh browser) finds every context the root is a member of by meeting,
 * in the root's directory room, anyone who holds one. This node joins its own root's room
 * and those of the roots it shares contexts with, answers proven devices of those roots, and
 * asks in its own room, rejoining each context it is told of and does not hold yet (nor forgot here).
 */
export function directoryService(d: DirectoryDeps) {
  const rooms = new Map<RootId, JoinedRoom>();
  const listeners = new Set<() => void>();
  const rejoined: string[] = [];
  const taking = new Set<string>();
  /** Which answering link named each context taken. */
  const takenFrom = new Map<string, string>();
  const problems: string[] = [];
  let me: SigningIdentity | undefined;
  let meKey = '';
  let holdings: Holding[] = [];
  let started = false;
  let unsubscribe: (() => void)[] = [];
  let refreshing: Promise<void> | undefined;
  let again = false;
  let refreshQueued = false;

  const changed = () => listeners.forEach((l) => l());
  const problem = (message: string) => {
    problems.push(message);
    if (problems.length > DIRECTORY_SERVICE.problemsKept) problems.shift();
    changed();
  };

  function leave(room: JoinedRoom): void {
    for (const s of room.sessions.values()) s.close('left the directory room');
    room.handle.leave();
    rooms.delete(room.root);
  }

  function leaveAll(): void {
    for (const room of [...rooms.values()]) leave(room);
  }

  /** Where a root's devices will look: my own signaling servers plus those of the contexts it shares with me. */
  function signalingFor(root: RootId, settings: NodeSettings): string[] {
    const shared = holdings.filter((h) => h.members.includes(root)).flatMap((h) => h.signaling);
    return [...new Set([...settings.signalingUrls, ...shared])].slice(0, SETTINGS_LIMITS.urls);
  }

  /** What a room was joined with: a change of any of it (in Settings) joins it again. */
  function networkKey(urls: string[], settings: NodeSettings): string {
    return JSON.stringify([urls, settings.iceServers, settings.iceTransportPolicy, settings.maxConns]);
  }

  function join(root: RootId, identity: SigningIdentity, settings: NodeSettings): void {
    const room = directoryRoom(root);
    const urls = signalingFor(root, settings);
    const joined: JoinedRoom = { root, network: networkKey(urls, settings), sessions: new Map(), handle: { leave() {} } };
    rooms.set(root, joined);
    joined.handle = d.mesh.join({
      room: room.room,
      password: room.password,
      signalingUrls: urls,
      iceServers: settings.iceServers,
      maxConns: settings.maxConns,
      iceTransportPolicy: settings.iceTransportPolicy,
      onLink(link) {
        if (link.closed) return;
        const session = directoryLink({
          link,
          room,
          identity,
          holdings: () => holdings,
          onEntries: (entries) => take(entries, link.id),
          scheduler: d.scheduler,
          now: d.now,
          randomBytes: d.randomBytes,
          onChange: changed,
          ...(d.proofs ? { proofs: d.proofs } : {}),
        });
        joined.sessions.set(link.id, session);
        link.onClose(() => joined.sessions.delete(link.id));
      },
    });
  }

  /**
   * Entries from an answer: rejoin each context not held yet, within the bounds on unsettled
   * ones (overall and per answering link). Signaling servers named by an answer are used
   * only if Settings lists them too: an answerer must not make this node dial servers of
   * its choosing (which would learn this browser's address).
   */
  async function take(entries: DirectoryEntry[], from: string): Promise<void> {
    const held = new Set([...holdings.map((h) => h.id), ...(await d.contexts.forgotten())]);
    const allowed = new Set((await d.settings()).signalingUrls);
    for (const entry of entries) {
      const id = toHex(entry.context);
      if (held.has(id) || taking.has(id)) continue;
      if (unsettled() >= DIRECTORY_SERVICE.unsettledRejoins) {
        problem(`${DIRECTORY_SERVICE.unsettledRejoins} contexts from the directory are still being fetched; later entries wait`);
        break;
      }
      if (unsettled(from) >= DIRECTORY_SERVICE.unsettledPerAnswerer) {
        problem(`a peer named ${DIRECTORY_SERVICE.unsettledPerAnswerer} contexts that do not show this identity as a member yet; its other entries wait`);
        break;
      }
      taking.add(id);
      takenFrom.set(id, from);
      try {
        await d.contexts.rejoin({ id, name: entry.name, secret: entry.secret, signaling: entry.signaling.filter((u) => allowed.has(u)) });
        rejoined.push(id);
        if (rejoined.length > DIRECTORY_LIMITS.entriesPerAnswer * 4) rejoined.shift();
      } catch (e) {
        taking.delete(id);
        problem(`could not rejoin ${id.slice(0, 12)}…: ${(e as Error).message}`);
      }
    }
    changed();
    refreshSoon();
  }

  /** Contexts taken from the directory (from one answering link, if given) that do not (yet) list my root as a member. */
  function unsettled(from?: string): number {
    const settled = new Set(holdings.filter((h) => me && h.members.includes(me.root)).map((h) => h.id));
    let n = 0;
    for (const id of taking) if (!settled.has(id) && (from === undefined || takenFrom.get(id) === from)) n++;
    return n;
  }

  async function refreshOnce(): Promise<void> {
    let identity: SigningIdentity | undefined;
    try {
      identity = await d.identity.signing();
    } catch (e) {
      if (!(e instanceof NotSignedInError)) throw e;
    }
    // Another root, a rotated key or a renewed delegation: every session starts again.
    const key = identity ? `${identity.root} ${toHex(identity.signer.publicKey)} ${toHex(identity.delegation)}` : '';
    if (key !== meKey) {
      leaveAll();
      me = identity;
      meKey = key;
    }
    if (!started || !me) return leaveAll();
    const [nextHoldings, settings] = await Promise.all([d.contexts.holdings(), d.settings()]);
    if (!started || meKey !== key) return; // stopped, or the identity changed meanwhile (the next run handles it)
    holdings = nextHoldings;
    const wanted = new Set(directoryRoots(me.root, holdings));
    for (const room of [...rooms.values()]) if (!wanted.has(room.root)) leave(room);
    for (const root of wanted) {
      const room = rooms.get(root);
      if (room && room.network === networkKey(signalingFor(root, settings), settings)) {
        for (const s of room.sessions.values()) s.update();
        continue;
      }
      if (room) leave(room);
      join(root, me, settings);
    }
    changed();
  }

  /** Look again now (one run at a time; a call during a run makes it run once more). */
  function refresh(): Promise<void> {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        try {
          await refreshOnce();
        } catch (e) {
          problem(`directory refresh failed: ${(e as Error).message}`);
        }
      } while (again);
    })().finally(() => (refreshing = undefined));
    return refreshing;
  }

  function refreshSoon(): void {
    if (refreshQueued || !started) return;
    refreshQueued = true;
    d.scheduler.schedule(DIRECTORY_SERVICE.refreshDelayMs, () => {
      refreshQueued = false;
      if (started) void refresh();
    });
  }

  return {
    /** Join the rooms and keep them up to date as contexts and identity change. Idempotent. */
    async start(): Promise<void> {
      if (!started) {
        started = true;
        unsubscribe = [d.store.onChange((areas) => beyondHistory(areas) && refreshSoon()), d.contexts.onChange(refreshSoon)];
      }
      await refresh();
    },

    /** Re-derive the rooms and re-send answers whose contexts changed (after contexts change). */
    refresh,

    /** Leave every directory room. */
    async stop(): Promise<void> {
      started = false;
      unsubscribe.forEach((u) => u());
      unsubscribe = [];
      await refreshing;
      leaveAll();
      changed();
    },

    status(): DirectoryStatus {
      return {
        running: started,
        ...(me ? { root: me.root } : {}),
        rooms: [...rooms.values()].map((r) => ({ root: r.root, own: r.root === me?.root, peers: [...r.sessions.values()].map((s) => s.info()) })),
        rejoined: [...rejoined],
        problems: [...problems],
      };
    },

    onChange(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type DirectoryService = ReturnType<typeof directoryService>;
