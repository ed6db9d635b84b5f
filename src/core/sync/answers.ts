import { parentKeys, type CheckedOp } from '../governance/checkedOp.ts';
import type { Replica } from '../context/replica.ts';
import { idKey } from '../ops/op.ts';
import { SYNC_LIMITS, type SyncMessage } from './messages.ts';

/** The ops of the history (valid ops and their past), parents first. Refused ops never leave this node. */
export function historyOps(replica: Replica): CheckedOp[] {
  const out: CheckedOp[] = [];
  for (const c of replica.dag.all()) if (replica.inHistory(c.key)) out.push(c);
  return out;
}

/**
 * My heads (by default the replica's; the sync layer names only durable ones), plus history
 * ids at exponentially spaced depths back (1, 2, 4, … ops), plus my op count.
 */
export function headsMessage(replica: Replica, headKeys: string[] = replica.heads()): Extract<SyncMessage, { kind: 'heads' }> {
  const count = replica.historySize();
  // Positions (in history order) 1, 2, 4, … ops back from the newest: one pass, no copy.
  const wanted = new Set<number>();
  for (let back = 1; back <= count && wanted.size < SYNC_LIMITS.sample; back *= 2) wanted.add(count - back);
  const sample: Uint8Array[] = [];
  let position = 0;
  for (const c of replica.dag.all()) {
    if (!replica.inHistory(c.key)) continue;
    if (wanted.has(position++)) sample.push(c.op.id);
  }
  const heads = headKeys.slice(0, SYNC_LIMITS.heads).map((k) => replica.dag.get(k)!.op.id);
  return { kind: 'heads', heads, sample: sample.reverse(), count };
}

/** Every history op not in the past of the ids the peer showed me (those I recognise), parents first. */
export function missingFor(replica: Replica, known: Uint8Array[]): CheckedOp[] {
  const dag = replica.dag;
  const have = new Set<string>();
  const stack = known.map(idKey).filter((k) => replica.inHistory(k));
  while (stack.length) {
    const k = stack.pop()!;
    if (have.has(k)) continue;
    have.add(k);
    // The parents' keys as the DAG keeps them: a heads answer walks most of the history.
    for (const p of parentKeys(dag.get(k)!)) stack.push(p);
  }
  return historyOps(replica).filter((c) => !have.has(c.key));
}
