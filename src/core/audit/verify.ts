import { createReplica, REFUSED_LIMITS, type ReplicaLimits } from '../context/replica.ts';
import { fromHex } from '../crypto/index.ts';
import { DAG_LIMITS } from '../dag/dag.ts';
import { decodeOp, idKey } from '../ops/op.ts';
import { AUDIT_BUNDLE_LIMITS, opsHash, statementSigned, verdictsHash, type AuditBundle, type RerunResult } from './bundle.ts';

/** What re-verifying a bundle found. `problems` empty means it verifies. */
export interface BundleReport {
  context: string;
  /** The context's name, as its replayed governance gives it. */
  name: string;
  exportedAt: number;
  exporter: { key: string; root?: string; device?: string; revoked?: boolean };
  ops: number;
  valid: number;
  /** Ops the rules refuse, by reason (the verdict this replay reached). */
  refused: Record<string, number>;
  /** Re-run results as the exporter recorded them (not re-run here: that needs the app). */
  reruns: Record<RerunResult, number>;
  problems: string[];
}

/** Max problems listed one by one; past it they are counted. */
const MAX_PROBLEMS = 50;

/**
 * The replay keeps every op the bundle holds: its bounds are the bundle's, not a live peer's
 * (a node may hold more refused ops of one author than it would take from that author alone).
 */
const REPLAY_LIMITS: ReplicaLimits = {
  refused: { perAuthorBytes: AUDIT_BUNDLE_LIMITS.fileBytes, totalBytes: Math.max(REFUSED_LIMITS.totalBytes, AUDIT_BUNDLE_LIMITS.fileBytes) },
  dag: { maxPendingBytes: Math.max(DAG_LIMITS.maxPendingBytes, AUDIT_BUNDLE_LIMITS.fileBytes), maxPending: Math.max(DAG_LIMITS.maxPending, AUDIT_BUNDLE_LIMITS.ops) },
};

const short = (key: string) => `${key.slice(0, 12)}…`;

function keyOf(bytes: Uint8Array): string | undefined {
  try {
    return idKey(decodeOp(bytes).id);
  } catch {
    return undefined;
  }
}

/**
 * Re-verify a bundle offline with the same gate every peer runs: the exporter's signed
 * statement covers these ops and verdicts; each op decodes, is signed by its author, and
 * carries delegations that verify; every parent is present; and replaying the ops through
 * a fresh replica gives every op the verdict the exporter states.
 */
export async function verifyAuditBundle(b: AuditBundle): Promise<BundleReport> {
  const { statement } = b;
  const problems: string[] = [];
  const problem = (text: string) => problems.push(text);

  if (!(await statementSigned(b))) problem(`the exporter's statement was changed, or not signed by the key it names (${short(statement.exporter)})`);
  if (statement.opCount !== b.ops.length) problem(`the statement covers ${statement.opCount} ops but the bundle holds ${b.ops.length} (ops added or removed)`);
  if (opsHash(b.ops) !== statement.opsHash) problem('the ops differ from the ones the exporter signed (an op altered, added, removed or reordered)');
  if (verdictsHash(b.ops) !== statement.verdictsHash) problem('the verdicts differ from the ones the exporter signed');

  const noState = { apply() {}, rebuild() {} };
  // No chain and no RPC: offline, proofs that need one are `unverifiable` and said so.
  const replica = createReplica(fromHex(statement.context), noState, {}, REPLAY_LIMITS);
  const result = await replica.receive(b.ops.map((o) => o.bytes));
  for (const rejection of result.rejected) {
    const where = rejection.key ? `op ${short(rejection.key)}` : 'an op';
    problem(rejection.reason === 'unverifiable' ? `${where} cannot be checked offline: ${rejection.message}` : `${where} is not genuine (${rejection.reason}): ${rejection.message}`);
  }
  const pending = replica.dag.pendingCount();
  if (pending > 0) problem(`${pending} ops name parents that are not in the bundle (ops removed, or the genesis of another context)`);

  let valid = 0;
  const refused: Record<string, number> = {};
  const reruns: Record<RerunResult, number> = { confirmed: 0, mismatch: 0, failed: 0 };
  const seen = new Set<string>();
  for (const o of b.ops) {
    if (o.rerun) reruns[o.rerun]++;
    const key = keyOf(o.bytes);
    const v = key === undefined ? undefined : replica.verdict(key);
    if (!key || !v) continue; // not genuine: reported above
    if (seen.has(key)) {
      problem(`op ${short(key)} is listed twice`);
      continue;
    }
    seen.add(key);
    const replayed = v.valid ? 'valid' : v.reason;
    if (v.valid) valid++;
    else refused[v.reason] = (refused[v.reason] ?? 0) + 1;
    if (replayed !== o.verdict) problem(`op ${short(key)}: the exporter says "${o.verdict}", replaying the ops gives "${replayed}"${v.valid ? '' : ` (${v.message})`}`);
  }

  const g = replica.governance();
  const key = g.keys.get(statement.exporter);
  if (!key) problem(`the exporter's key ${short(statement.exporter)} is not a device of this context`);
  return {
    context: statement.context,
    name: g.name,
    exportedAt: statement.exportedAt,
    exporter: { key: statement.exporter, ...(key ? { root: key.root, device: key.label, revoked: g.revokedKeys.has(statement.exporter) } : {}) },
    ops: b.ops.length,
    valid,
    refused,
    reruns,
    problems: problems.length > MAX_PROBLEMS ? [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more`] : problems,
  };
}
