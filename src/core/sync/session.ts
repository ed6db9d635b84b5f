import type { DelegationClaims, RootId } from '../identity/index.ts';
import type { Link } from '../mesh/Link.ts';
import type { PeerStanding } from './handshake.ts';
import type { Credential, RefusalCode, SyncMessage } from './messages.ts';
import { tokenBucket, type TokenBucket } from '../mesh/tokenBucket.ts';
import { SYNC_QUOTAS } from './quota.ts';

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
  /** Why the peer refused to give us ops, if it did (its own sentence), and its code. */
  refusedBy?: string;
  refusedByCode?: RefusalCode;
  /** The peer's clock minus ours, from its hello (ms). */
  clockOffsetMs?: number;
  /** What arrived on this link: messages, bytes, and ops (checked on the wire). */
  received: { messages: number; bytes: number; ops: number };
  sent: { messages: number; bytes: number; ops: number };
  /** Ops the peer sent while not admitted: never taken in. */
  ignoredOps: number;
  /** Set while the peer's asks are ignored for asking too much (why). */
  throttled?: string;
  closeReason?: string;
}

/** One link's state in a context's sync: handshake, admission, and what the peer may still cost. */
export interface Session {
  link: Link;
  info: PeerInfo;
  myNonce: Uint8Array;
  theirNonce?: Uint8Array;
  /** Set once the peer proved its key: what admission is judged on, again and again. */
  /** `origin`: the site a wallet delegation was signed for (none for local roots). */
  auth?: { claims: DelegationClaims; credential: Credential; origin?: string };
  reauths: number;
  /** Bumped at each admission judgement: a judgement overtaken by a newer one is dropped. */
  admissions: number;
  /** Whether I presented the invite I joined with after a peer did not know me as a member. */
  triedJoinInvite: boolean;
  /** My heads as I last sent them to this peer (so an answer never repeats them). */
  headsSent?: string;
  /** The heads the peer last showed me: while I lack some, I keep asking it. */
  theirHeads: Uint8Array[];
  /** Its newest heads message not answered yet (it came faster than the heads bucket allows). */
  laterHeads?: Extract<SyncMessage, { kind: 'heads' }>;
  /** Ops sent to this peer, and when: not sent again unprompted for a while. */
  sentOps: Map<string, number>;
  /** Parent ids I asked this peer for, and when. */
  asked: Map<string, number>;
  inboundBytes: number;
  /** Messages received and not yet handled (the one being handled included). */
  inboundMessages: number;
  outboundBytes: number;
  rejectedBytes: number;
  resentBytes: number;
  unknownWants: TokenBucket;
  heads: TokenBucket;
  checkpoints: TokenBucket;
  appSends: Map<string, number>;
}

export function newSession(link: Link, myNonce: Uint8Array, now: number): Session {
  return {
    link,
    info: { linkId: link.id, state: 'handshaking', received: { messages: 0, bytes: 0, ops: 0 }, sent: { messages: 0, bytes: 0, ops: 0 }, ignoredOps: 0 },
    myNonce,
    reauths: 0,
    admissions: 0,
    triedJoinInvite: false,
    theirHeads: [],
    sentOps: new Map(),
    asked: new Map(),
    inboundBytes: 0,
    inboundMessages: 0,
    outboundBytes: 0,
    rejectedBytes: 0,
    resentBytes: 0,
    unknownWants: tokenBucket(SYNC_QUOTAS.unknownWants, now),
    heads: tokenBucket(SYNC_QUOTAS.heads, now),
    checkpoints: tokenBucket(SYNC_QUOTAS.checkpoints, now),
    appSends: new Map(),
  };
}

/** Bytes this peer may still be sent again (ops it had already been sent), given what it sent us. */
export function resendCredit(s: Session): number {
  return SYNC_QUOTAS.resendFactor * s.info.received.bytes + SYNC_QUOTAS.resendAllowanceBytes - s.resentBytes;
}
