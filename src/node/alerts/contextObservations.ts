import type { AlertKind, AlertObservation } from '../../core/alerts/index.ts';
import type { Alert, AlertsView } from '../contexts/view.ts';
import { plainCloseReason, plainRefusedBy } from '../words/closeWords.ts';
import { attemptedOpKind } from '../words/opKindWords.ts';
import { reasonClause } from '../words/reasonWords.ts';

/** What each of a context's own alert kinds is in the node's model ('rejected-op' comes from the stored refusals instead). */
const KIND_OF: Readonly<Record<Alert['kind'], AlertKind | undefined>> = {
  divergence: 'divergence',
  'refused-peer': 'sync-failed',
  'join-failed': 'sync-failed',
  verification: 'verification',
  quota: 'quota',
  clock: 'clock',
  anchor: 'anchor-mismatch',
  'app-integrity': 'app-integrity',
  'rejected-op': undefined,
};

/** Refusals that mean "not allowed" (who or what role), rather than a broken or foreign op. */
const UNAUTHORIZED_REASONS = new Set(['not-admitted', 'unknown-key', 'revoked-key', 'key-expired', 'not-a-member', 'insufficient-role', 'origin-not-allowed', 'not-your-key', 'invite-not-authorized']);


/**
 * A context's problems, as alert observations: its own alerts (divergence, verification,
 * quota, clock, anchor, app integrity, failed joins), its invalid ops by others (refused by
 * the rules), its stored refusals, links dropped for protocol errors and the peers that
 * refuse to sync with it. Messages are plain words (refusal codes, rules' and decoders'
 * messages worded by words/); the technical text behind one is its `detail`. Pure: the
 * context view in (and the time, for what carries none), observations out, each with a
 * source that stays the same while the occurrence does.
 */
export function contextObservations(view: AlertsView, now: number): AlertObservation[] {
  const where = { context: view.id, contextName: view.name };
  const quoted = `“${view.name}”`;
  const out: AlertObservation[] = [];
  for (const a of view.alerts) {
    const kind = KIND_OF[a.kind];
    if (kind) out.push({ ...where, id: `${kind}|${view.id}|${a.message}`, kind, message: `${quoted}: ${sentence(a.message)}`, ...(a.detail ? { detail: a.detail } : {}), source: `${a.kind}@${a.at}`, at: a.at });
  }
  for (const op of view.invalidOps) {
    if (op.authorRoot === view.myRoot) continue; // this node's own refused write: its caller was told
    const who = op.authorName ?? 'An unknown device';
    out.push({
      ...where,
      id: `${kindOfRefusal(op.reason)}|${view.id}|${op.authorRoot ?? op.author}|${op.reason}`,
      kind: kindOfRefusal(op.reason),
      message: `${who} tried to ${attemptedOpKind(op.kind)} in ${quoted} and was refused: ${reasonClause(op.reason)}.`,
      detail: `${op.reason}: ${op.message}`,
      source: `op:${op.key}`,
      at: Math.min(op.time, now), // the author's clock: never later than ours
    });
  }
  const peerName = new Map([...view.closedPeers, ...view.peers].map((p) => [p.linkId, p.label]));
  for (const r of view.rejected) {
    const from = (r.from && peerName.get(r.from)) ?? 'a peer';
    const kind = kindOfRefusal(r.reason);
    out.push({ ...where, id: `${kind}|${view.id}|${from}|${r.reason}`, kind, message: `Changes ${from} sent to ${quoted} were refused: ${reasonClause(r.reason)}.`, detail: `${r.reason}: ${r.message}`, source: `refused:${r.at}:${r.key ?? r.message}`, at: r.at });
  }
  for (const p of view.closedPeers) {
    // A link this node dropped for breaking the protocol: quota cut-offs have alerts of their own.
    if (!p.closeReason?.startsWith('protocol error')) continue;
    const who = p.label ?? 'A peer';
    const why = clause(plainCloseReason(p.closeReason, (text) => text));
    out.push({ ...where, id: `sync-failed|${view.id}|${who}|protocol`, kind: 'sync-failed', message: `Syncing ${quoted} with ${who} failed: ${why.charAt(0).toLowerCase()}${why.slice(1)}.`, detail: p.closeReason, source: `closed:${p.linkId}`, at: now });
  }
  for (const p of view.peers) {
    if (!p.refusedBy) continue;
    const who = p.label ?? 'A peer';
    // The peer's own reason names roots and quotes its rules: the detail (the Sync panel words it).
    out.push({ ...where, id: `sync-failed|${view.id}|${who}`, kind: 'sync-failed', message: `${who} refuses to sync ${quoted} with this node: ${plainRefusedBy(p.refusedByCode)}.`, detail: p.refusedBy, source: `refused-by:${p.linkId}:${p.refusedBy}`, at: now });
  }
  return out;
}

function kindOfRefusal(reason: string): AlertKind {
  // Past what this node keeps of an author's refused ops: a limit reached, like a cut-off.
  if (reason === 'over-budget') return 'quota';
  return UNAUTHORIZED_REASONS.has(reason) ? 'unauthorized' : 'refused-op';
}

/** A detector's message inside a sentence: without its own full stop. */
function clause(text: string): string {
  return text.trim().replace(/[.!]+$/, '');
}

/** A detector's message as a sentence: capitalised, ending in a full stop. */
function sentence(text: string): string {
  const t = text.trim();
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
