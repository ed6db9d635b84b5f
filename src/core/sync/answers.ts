import type { CheckedOp } from '../governance/checkedOp.ts';
import type { Replica } from '../context/replica.ts';
import { idKey } from '../ops/op.ts';
import { SYNC_LIMITS, type SyncMessage } from './messages.ts';

/** The ops of the history (valid ops and their past), parents first. Refused ops never leave this node. */
export function historyOps(replica: Replica): CheckedOp[] {
  const out: CheckedOp[] = [];
  for (const c of replica.dag.all()) if (replica.inHistory(c.key)) out.push(c);
  return out;
}

/** My heads, plus history ids at exponentially spaced depths back (1, 2, 4, … ops), plus my op count. */
export function headsMessage(replica: Replica): Extract<SyncMessage, { kind: 'heads' }> {
  const all = historyOps(replica);
  const sample: Uint8Array[] = [];
  for (let back = 1; back <= all.length && sample.length < SYNC_LIMITS.sample; back *= 2) sample.push(all[all.length - back]!.op.id);
  const heads = replica.heads().slice(0, SYNC_LIMITS.heads).map((k) => replica.dag.get(k)!.op.id);
  return { kind: 'heads', heads, sample, count: all.length };
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
    for (const p of dag.get(k)!.op.parents) stack.push(idKey(p));
  }
  return historyOps(replica).filter((c) => !have.has(c.key));
}
