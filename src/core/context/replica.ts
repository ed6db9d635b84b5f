import type { ProofOptions } from '../identity/index.ts';
import { DecodeError } from '../codec/index.ts';
import { createDag } from '../dag/dag.ts';
import { checkIntrinsic, type CheckedOp } from '../governance/checkedOp.ts';
import { createEvaluator, type OpVerdict } from '../governance/evaluate.ts';
import { decodeOp, idKey, type Op } from '../ops/op.ts';

/** Where valid state deltas go. The state module implements it over a Y.Doc. */
export interface StateSink {
  apply(opKey: string, update: Uint8Array): void;
  /** Start over from exactly these deltas (after a late op invalidated applied ones). */
  rebuild(valid: Iterable<[string, Uint8Array]>): void;
}

export interface Rejection {
  key?: string;
  reason: string;
  message: string;
}

/** What one call to `receive` did. */
export interface ReceiveResult {
  /** Ops new to this replica that entered the DAG (valid or not), parents first. */
  added: CheckedOp[];
  /** Refused outright (malformed, forged, wrong context): never stored. */
  rejected: Rejection[];
  /** Earlier ops whose verdict flipped. */
  flipped: string[];
  /** Whether state had to be rebuilt. */
  rebuilt: boolean;
}

/**
 * One context's verified replica: the gate every op passes before it touches the DAG
 * or the state. Pure apart from the async signature checks. `proofs` lets contract-account
 * proofs be checked on their chain (an RPC); without it they are unverifiable and refused,
 * as everywhere. The handshake of the context's links checks with the same `proofs`.
 */
export function createReplica(contextId: Uint8Array, sink: StateSink, proofs: ProofOptions = {}) {
  const dag = createDag();
  const evaluator = createEvaluator();
  const contextKey = idKey(contextId);

  function validDeltas(): [string, Uint8Array][] {
    const out: [string, Uint8Array][] = [];
    for (const c of dag.all()) {
      if (c.op.body.kind === 'delta' && evaluator.verdict(c.key)?.valid) out.push([c.key, c.op.body.update]);
    }
    return out;
  }

  /** One op whose parents are all in: judge it, apply it, and follow any flips. */
  function take(c: CheckedOp, result: ReceiveResult): void {
    const { verdict: v, flipped } = evaluator.add(c);
    result.added.push(c);
    if (flipped.length > 0) {
      result.flipped.push(...flipped);
      const lostValidity = flipped.some((k) => !evaluator.verdict(k)?.valid && dag.get(k)?.op.body.kind === 'delta');
      if (lostValidity) {
        sink.rebuild(validDeltas());
        result.rebuilt = true;
        return;
      }
      for (const k of flipped) {
        const body = dag.get(k)?.op.body;
        if (body?.kind === 'delta' && evaluator.verdict(k)?.valid) sink.apply(k, body.update);
      }
    }
    if (v.valid && c.op.body.kind === 'delta') sink.apply(c.key, c.op.body.update);
  }

  return {
    contextId,
    contextKey,
    proofs,
    dag,
    evaluator,

    /** Verify and take in ops (bytes from the wire or storage, or ops made here). */
    async receive(inputs: (Uint8Array | Op)[]): Promise<ReceiveResult> {
      const result: ReceiveResult = { added: [], rejected: [], flipped: [], rebuilt: false };
      // Decode, then check signatures of the whole batch at once (they may run in parallel),
      // then take the ops in one by one: DAG, verdicts and state stay strictly sequential.
      const fresh: Op[] = [];
      const seen = new Set<string>();
      for (const input of inputs) {
        let op: Op;
        try {
          op = input instanceof Uint8Array ? decodeOp(input) : input;
        } catch (e) {
          const message = e instanceof DecodeError ? e.message : String(e);
          result.rejected.push({ reason: 'malformed', message: `undecodable op: ${message}` });
          continue;
        }
        const key = idKey(op.id);
        if (dag.has(key) || seen.has(key)) continue;
        seen.add(key);
        fresh.push(op);
      }
      const verdicts = await Promise.all(fresh.map((op) => checkIntrinsic(op, contextId, proofs)));
      for (const [i, verdict] of verdicts.entries()) {
        if (!verdict.ok) {
          result.rejected.push({ key: idKey(fresh[i]!.id), reason: verdict.reason, message: verdict.message });
          continue;
        }
        for (const c of dag.add(verdict.checked!)) take(c, result);
      }
      return result;
    },

    verdict: (key: string): OpVerdict | undefined => evaluator.verdict(key),
    heads: () => dag.heads(),
    governance: () => evaluator.current(),
  };
}

export type Replica = ReturnType<typeof createReplica>;
