import type { CheckedOp } from '../../../../core/governance/checkedOp.ts';
import type { OpVerdict } from '../../../../core/governance/evaluate.ts';
import type { DeltaBody } from '../../../../core/ops/op.ts';

/** The history a selector reads: the DAG's complete ops, in order, and each op's verdict. */
export interface History {
  ops: Iterable<CheckedOp>;
  verdict(key: string): OpVerdict | undefined;
  /** A delta's body as this node reads it (a sealed one opened; undefined if it cannot). Default: clear deltas only. */
  deltaBody?(c: CheckedOp): DeltaBody | undefined;
}

/** A delta's readable body through `history.deltaBody`, or a clear delta's own. */
export function readableDelta(history: History, c: CheckedOp): DeltaBody | undefined {
  if (history.deltaBody) return history.deltaBody(c);
  return c.op.body.kind === 'delta' ? c.op.body : undefined;
}
