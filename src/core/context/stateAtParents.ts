import type * as Y from 'yjs';
import type { CheckedOp } from '../governance/checkedOp.ts';
import { idKey } from '../ops/op.ts';
import { createContextState } from '../state/index.ts';
import type { Replica } from './replica.ts';

/**
 * The state made of the valid deltas in an op's causal past: what its author saw when it
 * made the op (as far as this node reads it: sealed deltas under keys it lacks are left out).
 * Built on demand (verifiable execution re-runs calls against it).
 */
export function stateAtParents(replica: Replica, c: CheckedOp): Y.Doc {
  const past = replica.dag.ancestors(c.op.parents.map(idKey));
  const at = createContextState();
  for (const x of replica.dag.all()) {
    if (!past.has(x.key) || !replica.verdict(x.key)?.valid) continue;
    const body = replica.deltaBody(x);
    if (body) at.apply(x.key, body.update);
  }
  return at.doc;
}
