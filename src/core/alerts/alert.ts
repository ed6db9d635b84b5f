/**
 * One alert model for the whole node: what went wrong, how bad, where, in plain words, how
 * often, and whether someone has looked at it. Detection stays where it is (sync, checkpoints,
 * verifier, anchoring, identity); they report observations, and repeats of one problem are
 * counted on one alert.
 */

export type AlertKind =
  /** Syncing a context did not work: a join failed, a peer refuses to share the history. */
  | 'sync-failed'
  /** A member's op refused by the rules: a reader writing, a removed member acting. */
  | 'unauthorized'
  /** An op refused before it reached the history: bad signature, not admitted, malformed. */
  | 'refused-op'
  /** Same ops, different state: one of two peers is faulty or tampered with. */
  | 'divergence'
  /** Re-running a recorded call gave another result than the op carries. */
  | 'verification'
  /** The chain's anchor disagrees with this node's history. */
  | 'anchor-mismatch'
  /** The app's code is not the one the context records. */
  | 'app-integrity'
  /** This device's delegation runs out soon (or has run out). */
  | 'delegation-expiring'
  /** A peer was cut off for exceeding a limit, or sent more refused ops than this node keeps of them. */
  | 'quota'
  /** A peer's clock is far from this one. */
  | 'clock';

export type AlertSeverity = 'info' | 'warning' | 'critical';

export const ALERT_KINDS: readonly AlertKind[] = ['sync-failed', 'unauthorized', 'refused-op', 'divergence', 'verification', 'anchor-mismatch', 'app-integrity', 'delegation-expiring', 'quota', 'clock'];

/** Kinds in plain words, for filters and headings. */
export const ALERT_KIND_NAMES: Readonly<Record<AlertKind, string>> = {
  'sync-failed': 'Failed sync',
  unauthorized: 'Unauthorized action',
  'refused-op': 'Refused op',
  divergence: 'Divergence',
  verification: 'Call verification',
  'anchor-mismatch': 'Anchor mismatch',
  'app-integrity': 'App integrity',
  'delegation-expiring': 'Expiring delegation',
  quota: 'Quota breach',
  clock: 'Clock skew',
};

/** How bad each kind is: critical means data or trust is at stake. */
export const SEVERITY_OF: Readonly<Record<AlertKind, AlertSeverity>> = {
  'sync-failed': 'warning',
  unauthorized: 'warning',
  'refused-op': 'warning',
  divergence: 'critical',
  verification: 'critical',
  'anchor-mismatch': 'critical',
  'app-integrity': 'critical',
  'delegation-expiring': 'warning',
  quota: 'warning',
  clock: 'info',
};

/** A problem as stored: one per `id`, its repeats counted. */
export interface AlertRecord {
  /** Stable for one problem (kind, context and subject), so repeats land on it. */
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  /** The context it concerns (hex id), if any, and its name when last seen. */
  context?: string;
  contextName?: string;
  /** Plain words, naming people and contexts by name. */
  message: string;
  /** The technical text behind it (a rule's message, a close reason), for whoever debugs: not the words shown. */
  detail?: string;
  firstSeen: number;
  lastSeen: number;
  /** Occurrences seen (distinct sources). */
  count: number;
  acknowledged: boolean;
  /** A browser notification was shown for its latest opening (at most once). */
  notified: boolean;
  /** Which occurrences were counted already (an op key, a stored refusal), newest last; bounded. */
  sources: string[];
}

/** One occurrence reported by a detector. Reporting the same `source` again changes nothing. */
export interface AlertObservation {
  id: string;
  kind: AlertKind;
  context?: string;
  contextName?: string;
  message: string;
  /** The technical text behind the message (kept folded away, not shown as the words). */
  detail?: string;
  /** What this occurrence is, stable across reloads where the detector allows it. */
  source: string;
  at: number;
  /** Overrides the kind's usual severity (an expired delegation is critical). */
  severity?: AlertSeverity;
}
