import { fromHex, sha256, toHex, type Signer } from '../crypto/index.ts';
import type { Rejection, Replica, ReceiveResult } from '../context/replica.ts';
import type { CheckedOp } from '../governance/checkedOp.ts';
import type { RootId } from '../identity/index.ts';
import type { Link } from '../mesh/Link.ts';
import type { Scheduler } from '../mesh/Scheduler.ts';
import { encodeOp, idKey, type Op } from '../ops/op.ts';
import { admitPeer, authenticatePeer, signHandshake, type PeerStanding } from './handshake.ts';
import type { DelegationClaims } from '../identity/index.ts';
import { PROTOCOL_VERSION, SYNC_LIMITS, syncCodec, type Credential, type SyncMessage } from './messages.ts';

/** Who this node is in a context: its client key, that key's delegation, and its credential. */
export interface SyncIdentity {
  signer: Signer;
  delegation: Uint8Array;
  /** `member` once the root is a member; an invite while joining. */
  credential(): Credential;
}

export interface PeerInfo {
  linkId: string;
  /**
   * handshaking: nothing proven yet. verified: authenticated and admitted, ops flow.
   * refused: authenticated but not (or no longer) allowed ops; checked again whenever
   * governance changes, since this node's view may simply be behind. closed: gone.
   */
  state: 'handshaking' | 'verified' | 'refused' | 'closed';
  refusal?: string;
  standing?: PeerStanding;
  root?: RootId;
  key?: string;
  label?: string;
  /** How many ops the peer said it had at its last heads message. */
  remoteCount?: number;
  /** Why the peer refused to give us ops, if it did. */
  refusedBy?: string;
  /** What arrived on this link: messages, bytes, and ops (checked on the wire). */
  received: { messages: number; bytes: number; ops: number };
  sent: { messages: number; bytes: number; ops: number };
  closeReason?: string;
}

export interface ContextSyncOptions {
  replica: Replica;
  identity: SyncIdentity;
  scheduler: Scheduler;
  randomBytes(length: number): Uint8Array;
  /** Wall-clock ms for delegation and invite expiry in handshakes. */
  now(): number;
  /** Make received ops durable before they are relayed or announced. */
  persist(ops: CheckedOp[]): Promise<void>;
  /** Heads re-exchange period: repairs anything lost on the way. */
  antiEntropyMs?: number;
  onChange?(event: SyncEvent): void;
  /** Application binaries by SHA-256 hex: served to admitted peers, fetched when missing. */
  apps?: { get(hash: string): Promise<Uint8Array | undefined>; put(hash: string, bytes: Uint8Array): Promise<void> };
}

export type SyncEvent =
  | { kind: 'ops'; result: ReceiveResult; from?: string }
  | { kind: 'rejected'; rejections: Rejection[]; from?: string }
  | { kind: 'peers' }
  | { kind: 'checkpoint'; from: string; bytes: Uint8Array };

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

interface Session {
  link: Link;
  info: PeerInfo;
  myNonce: Uint8Array;
  theirNonce?: Uint8Array;
  /** My heads as I last sent them to this peer (so an answer never repeats them). */
  headsSent?: string;
  /** Set once the peer proved its key: what admission is judged on, again and again. */
  auth?: { claims: DelegationClaims; credential: Credential; origin?: string };
}

/**
 * Replicates one context over any number of Links: an authenticated handshake first, then
 * push-based sync from each side's heads, gossip of new ops, and periodic heads
 * re-exchange. Ops are only ever sent to verified peers, and every op received goes
 * through the replica's verification gate.
 */
export function createContextSync(o: ContextSyncOptions) {
  const sessions = new Map<string, Session>();
  /** App binaries asked for and not yet received: hash → resolvers. */
  const wantedApps = new Map<string, ((bytes: Uint8Array) => void)[]>();
  /** Persistence queue: ops are written in the order they were verified. */
  let persisting: Promise<unknown> = Promise.resolve();
  /** Recently closed links and why, for the sync panel (bounded). */
  const closed: PeerInfo[] = [];
  const encoded = new Map<string, Uint8Array>();
  const antiEntropyMs = o.antiEntropyMs ?? 3000;
  let stopped = false;
  // Receives are serialised so verdicts and persistence happen in arrival order.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const bytesOf = (c: CheckedOp): Uint8Array => {
    let b = encoded.get(c.key);
    if (!b) encoded.set(c.key, (b = encodeOp(c.op)));
    return b;
  };

  function send(s: Session, m: SyncMessage): void {
    if (s.link.closed) return;
    const bytes = syncCodec.encode(m);
    s.info.sent.messages++;
    s.info.sent.bytes += bytes.length;
    if (m.kind === 'ops') s.info.sent.ops += m.ops.length;
    s.link.send(bytes).catch(() => undefined);
  }

  function close(s: Session, reason: string): void {
    if (s.info.state === 'closed') return;
    send(s, { kind: 'bye', reason: reason.slice(0, 200) });
    s.info.state = 'closed';
    s.info.closeReason = reason;
    s.link.close(reason);
    o.onChange?.({ kind: 'peers' });
  }

  function sendOps(s: Session, ops: CheckedOp[]): void {
    let batch: Uint8Array[] = [];
    let size = 0;
    for (const c of ops) {
      const b = bytesOf(c);
      if (batch.length && (size + b.length > SYNC_LIMITS.opsBatchBytes || batch.length >= SYNC_LIMITS.opsPerMessage)) {
        send(s, { kind: 'ops', ops: batch });
        batch = [];
        size = 0;
      }
      batch.push(b);
      size += b.length;
    }
    if (batch.length) send(s, { kind: 'ops', ops: batch });
  }

  /** Heads plus ids at exponentially spaced depths back in history, for finding the common past. */
  function headsMessage(): SyncMessage {
    const all = [...o.replica.dag.all()];
    const sample: Uint8Array[] = [];
    for (let back = 1; back <= all.length && sample.length < SYNC_LIMITS.sample; back *= 2) sample.push(all[all.length - back]!.op.id);
    const heads = o.replica.heads().slice(0, SYNC_LIMITS.heads).map((k) => o.replica.dag.get(k)!.op.id);
    return { kind: 'heads', heads, sample, count: all.length };
  }

  function sendHeads(s: Session): void {
    s.headsSent = o.replica.heads().join();
    send(s, headsMessage());
  }

  /** Every op I have that is not in the past of what the peer showed me, parents first. */
  function missingFor(known: Uint8Array[]): CheckedOp[] {
    const dag = o.replica.dag;
    const have = new Set<string>();
    const stack = known.map(idKey).filter((k) => dag.isComplete(k));
    while (stack.length) {
      const k = stack.pop()!;
      if (have.has(k)) continue;
      have.add(k);
      for (const p of dag.get(k)!.op.parents) stack.push(idKey(p));
    }
    return [...dag.all()].filter((c) => !have.has(c.key));
  }

  function verified(): Session[] {
    return [...sessions.values()].filter((s) => s.info.state === 'verified');
  }

  /**
   * Verify and take in ops, then — once they are durable — relay and announce them. The
   * returned promise resolves after verification; `durable` after persistence. Batches are
   * persisted in order on one queue, so the next batch is verified while this one is written.
   */
  async function takeOps(raw: Uint8Array[], from?: Session): Promise<ReceiveResult & { durable: Promise<void> }> {
    const result = await o.replica.receive(raw);
    if (result.rejected.length) o.onChange?.({ kind: 'rejected', rejections: result.rejected, from: from?.info.linkId });
    const missing = o.replica.dag.missing();
    if (from && missing.length) send(from, { kind: 'want', ids: missing.slice(0, SYNC_LIMITS.wantIds).map(fromHex) });
    if (!result.added.length) return { ...result, durable: Promise.resolve() };
    const durable = (persisting = persisting.then(() => o.persist(result.added))).then(() => {
      // A few new ops are pushed as they are; a bulk (a catch-up passing through) is only
      // announced by heads: peers that lack it answer with theirs and get exactly the rest.
      for (const s of verified()) {
        if (s === from) continue;
        if (result.added.length <= SYNC_LIMITS.gossipPushOps) sendOps(s, result.added);
        else sendHeads(s);
      }
      o.onChange?.({ kind: 'ops', result, from: from?.info.linkId });
      if (result.added.some((c) => c.op.body.kind !== 'delta')) recheckPeers();
    });
    persisting = durable.catch(() => undefined);
    return { ...result, durable };
  }

  /** Judge (again) whether an authenticated peer may have ops; start syncing when it may. */
  async function admit(s: Session): Promise<void> {
    if (!s.auth || s.info.state === 'closed') return;
    const verdict = await admitPeer(s.auth.claims, s.auth.credential, o.replica.contextId, o.replica.governance(), o.now(), s.auth.origin);
    const was = s.info.state;
    if (verdict.ok) {
      s.info.state = 'verified';
      s.info.standing = verdict.standing;
      delete s.info.refusal;
      if (was !== 'verified') sendHeads(s);
    } else {
      if (was !== 'refused') send(s, { kind: 'refused', reason: verdict.message.slice(0, 200) });
      s.info.state = 'refused';
      s.info.refusal = verdict.message;
    }
    if (was !== s.info.state) o.onChange?.({ kind: 'peers' });
  }

  /** After governance changed: every peer's admission may have changed with it. */
  function recheckPeers(): void {
    for (const s of sessions.values()) void admit(s);
  }

  async function onMessage(s: Session, bytes: Uint8Array): Promise<void> {
    let m: SyncMessage;
    s.info.received.messages++;
    s.info.received.bytes += bytes.length;
    try {
      m = syncCodec.decode(bytes);
    } catch (e) {
      close(s, `protocol error: ${(e as Error).message}`);
      return;
    }
    if (m.kind === 'ops') s.info.received.ops += m.ops.length;
    if (m.kind === 'refused') {
      s.info.refusedBy = m.reason;
      o.onChange?.({ kind: 'peers' });
      return;
    }
    if (m.kind === 'bye') {
      s.info.state = 'closed';
      s.info.closeReason = `peer left: ${m.reason}`;
      s.link.close(m.reason);
      o.onChange?.({ kind: 'peers' });
      return;
    }
    // Before the peer proved its key nothing but the handshake counts. Ignored rather than
    // fatal: on a lossy, reordering link heads can overtake auth (and are sent again).
    if (!s.auth && m.kind !== 'hello' && m.kind !== 'auth') return;
    // A refused peer may still hand us ops (they are verified like any others), never get them.
    if (s.info.state !== 'verified' && m.kind !== 'hello' && m.kind !== 'auth' && m.kind !== 'ops') return;
    switch (m.kind) {
      case 'hello': {
        // A repeated hello (a retransmission) gets my auth again; a different nonce is an attack or a bug.
        if (s.theirNonce && idKey(s.theirNonce) !== idKey(m.nonce)) return close(s, 'protocol error: a second hello');
        if (m.protocol !== PROTOCOL_VERSION) return close(s, `unsupported protocol version ${m.protocol}`);
        if (idKey(m.context) !== o.replica.contextKey) return close(s, 'this link is for another context');
        s.theirNonce = m.nonce;
        await sendAuth(s);
        return;
      }
      case 'auth': {
        if (s.auth) return; // a retransmission
        if (!s.theirNonce) return; // it overtook the hello; the peer sends it again
        const verdict = await authenticatePeer({
          context: o.replica.contextId,
          key: m.key,
          delegation: m.delegation,
          signature: m.signature,
          theirNonce: s.theirNonce,
          myNonce: s.myNonce,
          now: o.now(),
          proofs: o.replica.proofs,
        });
        if (!verdict.ok) return close(s, `not allowed: ${verdict.message}`);
        s.auth = { claims: verdict.claims!, credential: m.credential, ...(verdict.origin === undefined ? {} : { origin: verdict.origin }) };
        Object.assign(s.info, { root: verdict.claims!.root, key: toHex(m.key), label: verdict.claims!.label });
        await admit(s);
        return;
      }
      case 'heads': {
        s.info.remoteCount = m.count;
        const missing = missingFor([...m.heads, ...m.sample]);
        if (missing.length) sendOps(s, missing);
        // They have ops I lack: show them my heads so they push the difference (once per
        // change of my heads, so two nodes never bounce heads back and forth).
        const dag = o.replica.dag;
        if (m.heads.some((h) => !dag.has(idKey(h))) && s.headsSent !== o.replica.heads().join()) sendHeads(s);
        o.onChange?.({ kind: 'peers' });
        return;
      }
      case 'want': {
        const dag = o.replica.dag;
        const found = m.ids.map(idKey).filter((k) => dag.isComplete(k)).map((k) => dag.get(k)!);
        if (found.length) sendOps(s, found);
        return;
      }
      case 'ops':
        await serial(() => takeOps(m.ops, s));
        return;
      case 'checkpoint':
        o.onChange?.({ kind: 'checkpoint', from: s.info.linkId, bytes: m.checkpoint });
        return;
      case 'app-want': {
        const bytes = await o.apps?.get(idKey(m.hash));
        if (bytes) send(s, { kind: 'app', bytes });
        return;
      }
      case 'app': {
        const hash = idKey(sha256(m.bytes));
        const waiting = wantedApps.get(hash);
        if (!waiting) return; // not asked for, or a binary that does not hash to what was asked
        wantedApps.delete(hash);
        await o.apps?.put(hash, m.bytes);
        for (const resolve of waiting) resolve(m.bytes);
        return;
      }
    }
  }

  async function sendAuth(s: Session): Promise<void> {
    const signature = await signHandshake(o.identity.signer, o.replica.contextId, s.myNonce, s.theirNonce!);
    send(s, { kind: 'auth', key: o.identity.signer.publicKey, delegation: o.identity.delegation, credential: o.identity.credential(), signature });
  }

  function sendHello(s: Session): void {
    send(s, { kind: 'hello', protocol: PROTOCOL_VERSION, context: o.replica.contextId, nonce: s.myNonce });
  }

  function antiEntropy(): void {
    if (stopped) return;
    for (const s of verified()) sendHeads(s);
    // Links are reliable in browsers; retransmitting an unfinished handshake covers lossy ones.
    for (const s of sessions.values()) {
      if (s.auth) continue;
      sendHello(s);
      if (s.theirNonce) void sendAuth(s);
    }
    o.scheduler.schedule(antiEntropyMs, antiEntropy);
  }
  o.scheduler.schedule(antiEntropyMs, antiEntropy);

  return {
    /** Start replicating over a new link: the handshake begins at once. */
    addLink(link: Link): void {
      if (stopped || sessions.has(link.id)) return;
      const s: Session = {
        link,
        info: { linkId: link.id, state: 'handshaking', received: { messages: 0, bytes: 0, ops: 0 }, sent: { messages: 0, bytes: 0, ops: 0 } },
        myNonce: o.randomBytes(32),
      };
      sessions.set(link.id, s);
      // Messages of one link are handled one after another, in order.
      let chain: Promise<void> = Promise.resolve();
      link.onMessage((bytes) => {
        chain = chain.then(() => onMessage(s, bytes)).catch((e: unknown) => close(s, `internal error: ${String(e)}`));
      });
      link.onClose((reason) => {
        if (s.info.state !== 'closed') {
          s.info.state = 'closed';
          s.info.closeReason = reason;
        }
        sessions.delete(link.id);
        closed.push({ ...s.info });
        if (closed.length > 20) closed.shift();
        o.onChange?.({ kind: 'peers' });
      });
      sendHello(s);
      o.onChange?.({ kind: 'peers' });
    },

    /** Take in ops made here (already signed): verify, persist, then gossip; resolves once durable. */
    async publish(ops: Op[]): Promise<ReceiveResult> {
      const { durable, ...result } = await serial(() => takeOps(ops.map(encodeOp)));
      await durable;
      return result;
    },

    /** Take in ops from storage at start-up: verify, but neither persist nor gossip. */
    load(raw: Uint8Array[]): Promise<ReceiveResult> {
      return serial(() => o.replica.receive(raw));
    },

    /** Ask admitted peers for an app binary; resolves once one arrives that hashes right. */
    fetchApp(hash: string): Promise<Uint8Array> {
      return new Promise((resolve) => {
        const waiting = wantedApps.get(hash) ?? [];
        waiting.push(resolve);
        wantedApps.set(hash, waiting);
        const ask = () => {
          if (!wantedApps.has(hash) || stopped) return;
          for (const s of verified()) send(s, { kind: 'app-want', hash: fromHex(hash) });
          o.scheduler.schedule(antiEntropyMs, ask);
        };
        ask();
      });
    },

    broadcastCheckpoint(bytes: Uint8Array): void {
      for (const s of verified()) send(s, { kind: 'checkpoint', checkpoint: bytes });
    },

    peers: (): PeerInfo[] => [...sessions.values()].map((s) => structuredClone(s.info)),
    closedPeers: (): PeerInfo[] => [...closed],

    stop(): void {
      stopped = true;
      for (const s of sessions.values()) close(s, 'node stopped');
    },
  };
}

export type ContextSync = ReturnType<typeof createContextSync>;
