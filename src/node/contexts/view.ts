import type { AnchorsView } from '../anchors/view.ts';
import type { RootId } from '../../core/identity/index.ts';
import type { Role } from '../../core/ops/roles.ts';
import type { PeerInfo } from '../../core/sync/contextSync.ts';
import type { CatchUpProgress } from '../../core/sync/catchUp.ts';
import type { CheckpointComparison } from '../../core/state/index.ts';
import type { JsonValue } from '../../core/state/index.ts';
import type { RejectionRecord } from '../../core/store/index.ts';

export interface MemberView {
  root: RootId;
  role: Role;
  me: boolean;
  online: boolean;
  /** `origin`: the site a wallet delegated the key on (none for a local root's key). */
  devices: { key: string; label: string; revoked: boolean; origin?: string }[];
}

export interface InvalidOpView {
  key: string;
  kind: string;
  author: string;
  /** The author's device label and root, when its key is known (for plain-words alerts). */
  authorName?: string;
  authorRoot?: RootId;
  reason: string;
  message: string;
  time: number;
}

export interface CheckpointAgreement {
  peer: string;
  label: string;
  comparison: CheckpointComparison;
  at: number;
}

export interface Alert {
  at: number;
  kind: 'divergence' | 'refused-peer' | 'rejected-op' | 'join-failed' | 'verification' | 'quota' | 'clock' | 'anchor' | 'app-integrity';
  message: string;
  /** The technical text behind the message (a rule's own message), when the message words it plainly. */
  detail?: string;
}

/** How this member's membership ended: removed by someone (a device label and its root), or left. */
export type Departure = { how: 'removed'; by: string; byRoot?: RootId; at: number } | { how: 'left'; at: number };

/** A key this member wrote, overwritten by another member's concurrent write (Yjs kept theirs). */
export interface OverwriteView {
  key: string;
  /** What this member wrote, and what the key holds now (undefined: removed). */
  mine: JsonValue | undefined;
  winner: JsonValue | undefined;
  /** The other member, by device label, and its root. */
  by: string;
  byRoot?: RootId;
  byOp: string;
  at: number;
}

/**
 * What the alerts service reads of a context after each change (alerts/contextObservations.ts):
 * a part of its view that costs no walk of the state (no entries, no state root).
 */
export type AlertsView = Pick<ContextView, 'id' | 'name' | 'myRoot' | 'alerts' | 'invalidOps' | 'rejected' | 'peers' | 'closedPeers'>;

/** Everything the UI shows about one context, as plain data. */
export interface ContextView {
  id: string;
  name: string;
  myRoot: RootId;
  myRole?: Role;
  /** Set when this root was a member and is not any more. */
  departure?: Departure;
  /** My writes overwritten concurrently by others (newest last, bounded), until dismissed. */
  overwrites?: OverwriteView[];
  /** False while working offline (out of the mesh by choice). */
  online: boolean;
  /** The app's id (hex SHA-256 of its WASM binary, or the built-in key/value app's id). */
  appId: string;
  /** App calls record their input so members re-run and check them. */
  verifiable: boolean;
  /** Sites members may sign in from with a wallet, in canonical order. */
  origins: string[];
  /** The site this device's wallet delegation was signed on, as the context registered it. */
  myOrigin?: string;
  /** Joining: the history is still arriving or the join op is not valid yet. */
  joining: boolean;
  joinProblem?: string;
  members: MemberView[];
  kv: (readonly [string, JsonValue])[];
  opCount: number;
  heads: string[];
  pending: number;
  /**
   * Valid state deltas this device cannot read (docs/decisions/epoch-keys.md): `waiting` for an
   * epoch key it does not hold (a relay, or a device not granted yet), `unreadable` because
   * they do not open under their key or break the state layout. Absent when both are 0.
   */
  sealed?: { waiting: number; unreadable: number };
  /** Valid deltas waiting for content that is not in the state (see docs/state.md). */
  stuck: number;
  invalidOps: InvalidOpView[];
  rejected: RejectionRecord[];
  peers: PeerInfo[];
  /** Links closed lately, with why (bounded). */
  closedPeers: PeerInfo[];
  checkpoints: CheckpointAgreement[];
  alerts: Alert[];
  stateRoot: string;
  governanceRoot: string;
  /**
   * While a long history loads from this device's store: ops loaded so far, and how many are
   * stored (once read). Until then the state shown is the sealed snapshot's, and actions wait.
   */
  opening?: { have: number; expected?: number };
  /** How many ops the best-informed peer says it has (for a catch-up progress bar). */
  remoteOpCount: number;
  /** While a peer's heads name ops this node lacks: ops here and the total it advertised (advisory, bounded). */
  catchUp?: CatchUpProgress;
  /** The context's chain anchoring, when its genesis binds one. */
  anchors?: AnchorsView;
}

/** The outcome of an op made here: it entered the DAG; did the rules accept it? */
export interface OpOutcome {
  key: string;
  valid: boolean;
  reason?: string;
  message?: string;
}

/** What a call did: its result, the op it made (mutations with shared writes), its events. */
export interface CallOutcome {
  output: unknown;
  op?: OpOutcome;
  events: EventView[];
  logs: string[];
  ms: number;
}

/** One app event, as this node saw it. */
export interface EventView {
  name: string;
  /** JSON when the payload is JSON text, else its hex; only the hash for hashed events from others. */
  payload: string;
  hashed: boolean;
  executor: string;
  opKey?: string;
  at: number;
}

/** Verification of a recorded call by re-running it. */
export interface VerificationView {
  opKey: string;
  method: string;
  executor: string;
  result: 'confirmed' | 'mismatch' | 'failed';
  message: string;
}

/** An audit entry's executor when this node does not know the op's key (so no root to name). */
export const UNKNOWN_EXECUTOR = '(unknown key)';

export interface AuditEntry {
  key: string;
  kind: string;
  /** The author's root, or UNKNOWN_EXECUTOR. */
  executor: string;
  /** The device's label, or (key unknown) the start of its key. */
  device: string;
  time: number;
  valid: boolean;
  reason?: string;
  call?: string;
  verification?: VerificationView['result'];
}
