import type { CheckedOp } from '../../../../core/governance/checkedOp.ts';
import type { OpVerdict } from '../../../../core/governance/evaluate.ts';

/** The history a selector reads: the DAG's complete ops, in order, and each op's verdict. */
export interface History {
  ops: Iterable<CheckedOp>;
  verdict(key: string): OpVerdict | undefined;
}
