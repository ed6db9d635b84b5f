import { isDeltaKind } from '../governance/rules.ts';
import { fromHex, toHex, type Signer } from '../crypto/index.ts';
import type { Rejection, Replica, ReceiveResult } from '../context/replica.ts';
import type { CheckedOp } from '../governance/checkedOp.ts';
import type { Link } from '../mesh/Link.ts';
import type { Scheduler } from '../mesh/Scheduler.ts';
import { encodeOp, idKey, type Op } from '../ops/op.ts';
import { headsMessage, missingFor } from './answers.ts';
import { createCatchUpTracker, type CatchUpProgress } from './catchUp.ts';
import { createAdmission } from './admission.ts';
import { createAppTransfer } from './appTransfer.ts';
import { SYNC_LIMITS, syncCodec, type Credential, type SyncMessage } from './messages.ts';
import { QuotaBreach, SYNC_QUOTAS } from './quota.ts';
import { newSession, resendCredit, type PeerInfo, type Session } from './session.ts';
import { serialQueue } from '../tasks/serialQueue.ts';
import { createSyncWire } from './wire.ts';

export type { PeerInfo } from './session.ts';

/** Who this node is in a context: its client key, that key's delegation, and its credential. */
export interface SyncIdentity {
  signer: Signer;
  delegation: Uint8Array;
  /** `member` once the root is a member; an invite while joining. */
  credential(): Credential;
}

export interface ContextSyncOptions {
  replica: Replica;
  identity: SyncIdentity;
  scheduler: Scheduler;
  randomBytes(length: number): Uint8Array;
  /** Wall-clock ms for delegation and invite expiry in handshakes, and for clock comparison. */
  now(): number;
  /**
   * Make ops that joined the history durable before they are relayed or announced.
   * `received`: a peer's ops, shown already (the browser node lets its views read them
   * before the store's write takes the page's thread); else this node's own.
   */
  persist(ops: CheckedOp[], how: { received: boolean }): Promise<void>;
  /** Heads re-exchange period: repairs anything lost on the way. */
  antiEntropyMs?: number;
  onChange?(event: SyncEvent): void;
  /** Application binaries by SHA-256 hex: served to admitted peers, fetched when missing. */
  apps?: { get(hash: string): Promise<Uint8Array | undefined>; put(hash: string, bytes: Uint8Array): Promise<void> };
}

export type SyncEvent =
  | { kind: 'ops'; result: ReceiveResult; from?: string }
  /**
   * A peer's ops were verified and are in the state, not yet durable: a view may show them
   * now. They are relayed, announced and reported as 'ops' once durable.
   */
  | { kind: 'shown'; from: string }
  | { kind: 'rejected'; rejections: Rejection[]; from?: string }
  | { kind: 'peers' }
  | { kind: 'checkpoint'; from: string; bytes: Uint8Array }
  /** A peer was cut off for costing more than its quota. */
  | { kind: 'breach'; from: string; message: string }
  /** A peer was let go because our clocks disagree past the tolerance. */
  | { kind: 'clock'; from: string; message: string };

/** Ops published through a sync that was stopped (its context closed or forgotten): they are neither verified nor stored. */
export class SyncStoppedError extends Error {
  override readonly name = 'SyncStoppedError';
  constructor(count: number) {
    super(`${count} op(s) not published: this context's sync was stopped (the context was closed or forgotten); open it again to write`);
  }
}

/**
 * Replicates one context over any number of Links: an authenticated handshake first, then
 * push-based sync from each side's heads, gossip of new ops, and periodic heads
 * re-exchange. Only admitted peers are sent ops and only their ops are taken in; every op
 * goes through the replica's gate; every buffer a peer fills is bounded (quota.ts).
 * Who a peer is and whether it is admitted: admission.ts; app binaries: appTransfer.ts.
 */
export function createContextSync(o: ContextSyncOptions) {
  let stopped = false;
  const wire = createSyncWire(o, () => stopped);
  const { sessions, send, close, breach, verified } = wire;
  const apps = createAppTransfer(wire);
  const admission = createAdmission(wire, (s) => sendHeads(s));
  /** Persistence queue: ops are written in the order they were verified. */
  let persisting: Promise<unknown> = Promise.resolve();
  /**
   * History ops handed to persist() and not stored yet: never sent, nor named in heads,
   * before they are (a failed write leaves them here: they are never sent from this run).
   */
  const notDurable = new Set<string>();
  /** Recently closed links and why, for the sync panel (bounded). */
  const closed: PeerInfo[] = [];
  const antiEntropyMs = o.antiEntropyMs ?? 3000;
  /** An op sent to a peer is not sent again unprompted before this; the peer's heads then show whether it arrived. */
  const resendAfterMs = 2 * antiEntropyMs;
  const catchUp = createCatchUpTracker();
  // Receives are serialised so verdicts and persistence happen in arrival order. Each link
  // has at most one receive waiting here, so a flooding peer gets its turn, not the floor.
  const serial = serialQueue();

  /**
   * Send ops (parents first) in messages of bounded size; at most `budget` bytes. Ops the
   * peer was sent before are resent only within its resend credit. Returns bytes sent.
   */
  function sendOps(s: Session, ops: readonly Pick<CheckedOp, 'key' | 'bytes'>[], budget = Infinity): number {
    let batch: Uint8Array[] = [];
    let size = 0;
    let total = 0;
    const now = o.scheduler.now();
    for (const c of ops) {
      if (notDurable.has(c.key)) continue; // pushed to every peer once it is stored
      if (s.outboundBytes + size > SYNC_QUOTAS.outboundQueuedBytes || total + c.bytes.length > budget) break;
      if (s.sentOps.has(c.key)) {
        if (c.bytes.length > resendCredit(s)) continue;
        s.resentBytes += c.bytes.length;
      }
      if (batch.length && (size + c.bytes.length > SYNC_LIMITS.opsBatchBytes || batch.length >= SYNC_LIMITS.opsPerMessage)) {
        send(s, { kind: 'ops', ops: batch });
        batch = [];
        size = 0;
      }
      batch.push(c.bytes);
      size += c.bytes.length;
      total += c.bytes.length;
      s.sentOps.set(c.key, now);
    }
    if (batch.length) send(s, { kind: 'ops', ops: batch });
    return total;
  }

  function sendHeads(s: Session, heads = durableHeads()): void {
    s.headsSent = heads.join();
    send(s, headsMessage(o.replica, heads));
  }

  /**
   * My heads as peers may hear of them: a head not durable yet is stood in for by its
   * nearest durable ancestors (few: only the batches being written are not durable).
   */
  function durableHeads(): string[] {
    const heads = o.replica.heads();
    if (!heads.some((h) => notDurable.has(h))) return heads;
    const out = new Set<string>();
    const seen = new Set<string>();
    const stack = [...heads];
    while (stack.length) {
      const k = stack.pop()!;
      if (seen.has(k)) continue;
      seen.add(k);
      if (!notDurable.has(k)) out.add(k);
      else for (const p of o.replica.dag.get(k)?.op.parents ?? []) stack.push(idKey(p));
    }
    return [...out].sort();
  }

  /** Ask `s` for ids I lack, leaving out those asked for recently. */
  function ask(s: Session, ids: string[]): void {
    const now = o.scheduler.now();
    const fresh = ids.filter((k) => now - (s.asked.get(k) ?? -Infinity) >= antiEntropyMs).slice(0, SYNC_LIMITS.wantIds);
    if (!fresh.length) return;
    for (const k of fresh) s.asked.set(k, now);
    if (s.asked.size > 4 * SYNC_LIMITS.wantIds) {
      for (const [k, at] of s.asked) if (now - at >= antiEntropyMs) s.asked.delete(k);
    }
    send(s, { kind: 'want', ids: fresh.map(fromHex) });
  }

  /**
   * Verify and take in ops, then — once they are durable — relay and announce those that
   * joined the history. The returned promise resolves after verification; `durable` after
   * persistence. Batches are persisted in order, so the next is verified while this one is written.
   */
  async function takeOps(raw: Uint8Array[], from?: Session): Promise<ReceiveResult & { durable: Promise<void> }> {
    const asked = from !== undefined && askForTheNextPart(from, raw);
    const result = await o.replica.receive(raw, from?.link.id, from?.info.root);
    if (result.rejected.length) o.onChange?.({ kind: 'rejected', rejections: result.rejected, from: from?.info.linkId });
    if (from) chargeReceipt(from, result);
    if (from && from.info.state === 'verified') {
      // Ask it for the parents of what it sent: not for what other peers' ops wait on.
      const missing = o.replica.dag.missingFrom(from.link.id);
      if (missing.length) ask(from, missing);
    }
    // Catching up from this peer: once what it sent is all handled (more of it queued here
    // would only be sent again: a slow receiver got whole answers twice), show it what I
    // have now, and it answers with the next part.
    const drained = from !== undefined && from.inboundMessages <= 1;
    if (from && drained && !asked && from.info.state === 'verified' && from.theirHeads.some((h) => !o.replica.dag.has(idKey(h))) && from.headsSent !== durableHeads().join()) {
      sendHeads(from);
    }
    if (!from) showRefusedAttempts(result);
    if (!result.accepted.length) {
      if (result.added.length) o.onChange?.({ kind: 'ops', result, from: from?.info.linkId });
      return { ...result, durable: Promise.resolve() };
    }
    // Another node's ops show at once (the state took them in during receive); only relaying
    // waits for durability. This node's own went out as they were signed (`publish`).
    if (from) o.onChange?.({ kind: 'shown', from: from.info.linkId });
    for (const c of result.accepted) notDurable.add(c.key);
    const durable = (persisting = persisting.then(() => o.persist(result.accepted, { received: from !== undefined }))).then(() => {
      for (const c of result.accepted) notDurable.delete(c.key);
      // A few new ops are pushed as they are; a bulk (a catch-up passing through) is only
      // announced by heads: peers that lack it answer with theirs and get exactly the rest.
      for (const s of verified()) {
        if (s === from) {
          for (const c of result.accepted) s.sentOps.set(c.key, o.scheduler.now());
          continue;
        }
        if (result.accepted.length <= SYNC_LIMITS.gossipPushOps) sendOps(s, from ? result.accepted : result.accepted.filter((c) => !s.sentOps.has(c.key)));
        else sendHeads(s);
      }
      o.onChange?.({ kind: 'ops', result, from: from?.info.linkId });
      if (result.accepted.some((c) => !isDeltaKind(c.op.body.kind))) admission.recheckPeers();
    });
    persisting = durable.catch(() => undefined);
    return { ...result, durable };
  }

  /**
   * Catching up from `s` (it named heads I lack) and about to check the last of its messages
   * queued here: show it my heads now, so the next part of its answer arrives while this one
   * is checked (it leaves out what it sent me lately, this message included). These heads may
   * name ops not stored yet: only to the peer they came from, which can only answer with what
   * follows them; a crash before they are stored makes the next heads ask for them again.
   */
  function askForTheNextPart(s: Session, part: Uint8Array[]): boolean {
    // Only for a part of an answer: heads walk the history, and a peer sending op after
    // known op must not get that walk for each.
    if (part.length < SYNC_LIMITS.partOps && part.reduce((n, b) => n + b.length, 0) < SYNC_LIMITS.partBytes) return false;
    if (s.info.state !== 'verified' || s.inboundMessages > 1 || !s.theirHeads.some((h) => !o.replica.dag.has(idKey(h)))) return false;
    sendHeads(s, o.replica.heads());
    return true;
  }

  /**
   * My own ops the rules refuse are shown to the peers I am connected to (admins see the
   * attempt, with its reason), one hop only: nobody relays refused ops, nobody builds on them.
   */
  function showRefusedAttempts(result: ReceiveResult): void {
    const mine = toHex(o.identity.signer.publicKey);
    const refused = result.added.filter((c) => c.author === mine && !o.replica.inHistory(c.key));
    if (refused.length) for (const s of verified()) sendOps(s, refused);
  }

  /** What a peer's ops cost: rejected ones (honest peers relay none) and ops left waiting for parents. */
  function chargeReceipt(s: Session, result: ReceiveResult): void {
    // Only what the sender should have known is charged: not a contract-account proof this
    // node cannot check (a peer with an RPC can), nor an op over this node's own budget of
    // refused ops (an honest peer may hold it as valid, not having seen what refuses it).
    s.rejectedBytes += result.rejected.filter((r) => r.reason !== 'unverifiable' && r.reason !== 'over-budget').reduce((n, r) => n + r.bytes, 0);
    if (s.rejectedBytes > SYNC_QUOTAS.rejectedBytes) {
      return breach(s, new QuotaBreach('rejectedBytes', `it sent over ${SYNC_QUOTAS.rejectedBytes / 1024} KiB of ops that were forged, malformed or by unknown keys (last: ${result.rejected.at(-1)?.message ?? '?'})`));
    }
    if (o.replica.dag.pendingBytesFrom(s.link.id) > SYNC_QUOTAS.pendingBytes) {
      breach(s, new QuotaBreach('pendingBytes', `it sent over ${SYNC_QUOTAS.pendingBytes / 1024 / 1024} MiB of ops whose parents never came`));
    }
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
    if (m.kind === 'refused') return admission.onRefused(s, m);
    if (m.kind === 'bye') {
      s.info.state = 'closed';
      s.info.closeReason = `peer left: ${m.reason}`;
      s.link.close(m.reason);
      o.onChange?.({ kind: 'peers' });
      return;
    }
    // Before the peer proved its key nothing but the handshake counts. Ignored rather than
    // fatal: on a lossy, reordering link heads can overtake auth (and are sent again).
    if (m.kind === 'hello' || m.kind === 'auth') return admission.onHandshake(s, m);
    // Nothing from a peer that is not admitted is taken in: no heads, no asks, no ops.
    if (s.info.state !== 'verified') {
      if (m.kind === 'ops' && s.auth) noteIgnoredOps(s, m.ops);
      return;
    }
    switch (m.kind) {
      case 'heads':
        return answerHeads(s, m);
      case 'want': {
        const found: CheckedOp[] = [];
        let unknown = 0;
        for (const id of m.ids) {
          const c = o.replica.dag.get(idKey(id));
          if (c && o.replica.inHistory(c.key)) found.push(c);
          else unknown++;
        }
        // Asks for ids I lack cost the asker from a bucket; past it they are noted, and what I
        // have is still sent.
        if (unknown && !s.unknownWants.take(unknown, o.scheduler.now())) {
          s.info.throttled = 'it keeps asking for ops this node does not have';
          o.onChange?.({ kind: 'peers' });
        } else if (unknown) delete s.info.throttled;
        if (found.length) sendOps(s, o.replica.dag.parentsFirst(found.map((c) => c.key)).map((k) => o.replica.dag.get(k)!), SYNC_QUOTAS.answerBytes);
        return;
      }
      case 'ops':
        await serial(() => takeOps(m.ops, s));
        return;
      case 'checkpoint':
        if (s.checkpoints.take(1, o.scheduler.now())) o.onChange?.({ kind: 'checkpoint', from: s.info.linkId, bytes: m.checkpoint });
        return;
      case 'app-want':
        return apps.onAppWant(s, m);
      case 'app':
        return apps.onApp(s, m);
    }
  }

  /**
   * Answer a peer's heads: the history ops it lacks (not sent to it lately), within one
   * answer's bytes, and my heads when it has ops I lack. Each answer walks the history, so
   * a peer sending heads faster than the bucket allows gets its latest one answered later.
   */
  function answerHeads(s: Session, m: Extract<SyncMessage, { kind: 'heads' }>): void {
    s.theirHeads = m.heads;
    s.info.remoteCount = m.count;
    if (!s.heads.take(1, o.scheduler.now())) {
      s.info.throttled = 'it sends heads faster than this node answers them';
      if (!s.laterHeads) o.scheduler.schedule(1000 / SYNC_QUOTAS.heads.perSecond, () => {
        const later = s.laterHeads;
        s.laterHeads = undefined;
        if (later && s.info.state === 'verified') answerHeads(s, later);
      });
      s.laterHeads = m;
      return;
    }
    delete s.info.throttled;
    const recent = o.scheduler.now() - resendAfterMs;
    const missing = missingFor(o.replica, [...m.heads, ...m.sample]).filter((c) => (s.sentOps.get(c.key) ?? -Infinity) < recent);
    if (missing.length) sendOps(s, missing, SYNC_QUOTAS.answerBytes);
    // They have ops I lack: show them my heads so they push the difference (once per
    // change of my heads, so two nodes never bounce heads back and forth).
    if (m.heads.some((h) => !o.replica.dag.has(idKey(h))) && s.headsSent !== durableHeads().join()) sendHeads(s);
    o.onChange?.({ kind: 'peers' });
  }

  /** Ops from a peer that is not admitted are dropped unread; the sync panel says so once per link. */
  function noteIgnoredOps(s: Session, ops: Uint8Array[]): void {
    const first = s.info.ignoredOps === 0;
    s.info.ignoredOps += ops.length;
    const bytes = ops.reduce((n, b) => n + b.length, 0);
    if (first) {
      o.onChange?.({
        kind: 'rejected',
        from: s.info.linkId,
        rejections: [{ reason: 'not-admitted', message: `ops from ${s.info.label ?? 'a peer'} (${s.info.root ?? 'unknown root'}), which is not admitted here, were ignored: ${s.info.refusal ?? 'not admitted'}`, bytes }],
      });
    }
    o.onChange?.({ kind: 'peers' });
  }

  function antiEntropy(): void {
    if (stopped) return;
    for (const s of verified()) sendHeads(s);
    for (const s of sessions.values()) admission.retry(s);
    o.scheduler.schedule(antiEntropyMs, antiEntropy);
  }
  o.scheduler.schedule(antiEntropyMs, antiEntropy);

  return {
    /** Start replicating over a new link: the handshake begins at once. */
    addLink(link: Link): void {
      if (stopped || sessions.has(link.id)) return;
      const s = newSession(link, o.randomBytes(32), o.scheduler.now());
      sessions.set(link.id, s);
      // Messages of one link are handled one after another, in order; what waits is bounded.
      let chain: Promise<void> = Promise.resolve();
      link.onMessage((bytes) => {
        s.inboundBytes += bytes.length;
        s.inboundMessages++;
        if (s.inboundBytes > SYNC_QUOTAS.inboundQueuedBytes) {
          return breach(s, new QuotaBreach('inboundQueuedBytes', `it sent over ${SYNC_QUOTAS.inboundQueuedBytes / 1024 / 1024} MiB faster than this node could check it`));
        }
        chain = chain
          .then(() => (s.info.state === 'closed' ? undefined : onMessage(s, bytes)))
          .catch((e: unknown) => close(s, `internal error: ${String(e)}`))
          .finally(() => {
            s.inboundBytes -= bytes.length;
            s.inboundMessages--;
          });
      });
      link.onClose((reason) => {
        // What it sent that still waits for parents goes with it (asked again of whoever has them).
        o.replica.dag.dropPendingFrom(link.id);
        if (s.info.state !== 'closed') {
          s.info.state = 'closed';
          s.info.closeReason = reason;
        }
        sessions.delete(link.id);
        closed.push(structuredClone(s.info));
        if (closed.length > 20) closed.shift();
        o.onChange?.({ kind: 'peers' });
      });
      o.scheduler.schedule(SYNC_QUOTAS.handshakeMs, () => {
        if (s.info.state === 'handshaking') close(s, `the handshake did not finish within ${SYNC_QUOTAS.handshakeMs / 1000} s`);
      });
      admission.sendHello(s);
      o.onChange?.({ kind: 'peers' });
    },

    /** Take in ops made here (already signed): sent on at once, then verified and stored; resolves once durable. */
    async publish(ops: Op[]): Promise<ReceiveResult> {
      // Checked again when its turn comes: a stop while it queued refuses it too.
      if (stopped) throw new SyncStoppedError(ops.length);
      const raw = ops.map(encodeOp);
      // A few new ops of this node go to its peers as they are signed, before its own checks
      // and its store: the peers check them as any op (what a node signs it sends, valid or
      // not, as ever), and a crash before they are stored loses nothing (the peers hand them
      // back). The call resolves, and the UI says done, only once they are stored.
      if (ops.length <= SYNC_LIMITS.gossipPushOps) {
        const signed = ops.map((op, i) => ({ key: idKey(op.id), bytes: raw[i]! })).filter((c) => !o.replica.hasOp(c.key));
        if (signed.length) for (const s of verified()) sendOps(s, signed);
      }
      const { durable, ...result } = await serial(() => (stopped ? Promise.reject(new SyncStoppedError(ops.length)) : takeOps(raw)));
      await durable;
      return result;
    },

    /**
     * Take in ops from storage at start-up: verify (but not the `trusted` ones, sealed as
     * verified by this node), neither persist nor gossip.
     */
    load(raw: Uint8Array[], trusted?: (op: Op, key: string) => boolean, pace?: LoadPace): Promise<ReceiveResult> {
      if (!pace) return serial(() => o.replica.receive(raw, undefined, undefined, trusted));
      // In slices, with `pace.between` after each (the page breathes): cut anywhere, receives
      // give the verdicts, heads and state of one.
      return serial(async () => {
        const results: ReceiveResult[] = [];
        for (let i = 0; i < raw.length; i += pace.sliceOps) {
          results.push(await o.replica.receive(raw.slice(i, i + pace.sliceOps), undefined, undefined, trusted));
          await pace.between();
        }
        return mergeResults(results);
      });
    },

    /** Ask admitted peers for an app binary; resolves once one arrives that hashes right. */
    fetchApp: (hash: string): Promise<Uint8Array> => apps.fetchApp(hash, antiEntropyMs),

    broadcastCheckpoint(bytes: Uint8Array): void {
      for (const s of verified()) send(s, { kind: 'checkpoint', checkpoint: bytes });
    },

    /** Catch-up progress while an admitted peer's heads name ops this node lacks; undefined otherwise. */
    catchUp: (): CatchUpProgress | undefined =>
      catchUp.read(
        o.replica.historySize() + o.replica.receivingOps(),
        verified().map((s) => ({ count: s.info.remoteCount, ahead: s.theirHeads.some((h) => !o.replica.dag.has(idKey(h))) })),
      ),

    /** Resolves once every op taken in so far is stored, or its store failed: what a close lets finish. */
    stored: (): Promise<void> => persisting.then(() => undefined),

    peers: (): PeerInfo[] => [...sessions.values()].map((s) => structuredClone(s.info)),
    closedPeers: (): PeerInfo[] => [...closed],

    stop(): void {
      stopped = true;
      for (const s of sessions.values()) close(s, 'node stopped');
    },
  };
}

export type ContextSync = ReturnType<typeof createContextSync>;

/** How a long load is paced: ops per receive, and what runs between two (a yield to the page). */
export interface LoadPace {
  sliceOps: number;
  between(): Promise<void>;
}

/** Receives one after another, as one: their lists in order (each parents first, and later slices build on earlier ones). */
function mergeResults(results: ReceiveResult[]): ReceiveResult {
  return {
    added: results.flatMap((r) => r.added),
    accepted: results.flatMap((r) => r.accepted),
    rejected: results.flatMap((r) => r.rejected),
    flipped: results.flatMap((r) => r.flipped),
    rebuilt: results.some((r) => r.rebuilt),
  };
}
