import * as Y from 'yjs';
import { createReplica, type Replica } from '../src/core/context/replica.ts';
import { createDag } from '../src/core/dag/dag.ts';
import { checkIntrinsic, type CheckedOp } from '../src/core/governance/checkedOp.ts';
import { createEvaluator } from '../src/core/governance/evaluate.ts';
import type { BatchVerifier } from '../src/core/crypto/index.ts';
import { decodeOp, opSignatureCheck, verifyOpSignature } from '../src/core/ops/op.ts';
import { createContextState, stateMap } from '../src/core/state/index.ts';
import { FIXTURE_KEYS, type DeltaFixture } from './deltaFixture.ts';
import { bestRate, type Figure } from './measure.ts';

/** Ops per receive() call, as a sync batch would bring them. */
const BATCH = 500;

/** Names of the figures, for the tables. */
export const VERIFY_APPLY = {
  full: `verify + apply (replica + state, ${BATCH} per receive)`,
  /** The same with signatures checked by the browser node's worker pool (Chromium only). */
  pooled: `verify + apply (replica + state, ${BATCH} per receive, signatures in the worker pool)`,
  /** Issue 12's goal for verify + apply in Chromium. */
  goalOpsPerSec: 20_000,
  baseline: 'Y.applyUpdate of the same updates (raw Yjs)',
  stages: {
    decode: 'decode (decodeOp)',
    verify: 'signature verify, one at a time (as receive does)',
    verifyConcurrent: `signature verify, ${BATCH} concurrently`,
    verifyPool: 'signature verify, worker pool (all ops in one batch)',
    dag: 'DAG + governance evaluator',
    state: 'state apply (layout check + Yjs)',
  },
} as const;

/**
 * The goal's figure: verify + apply in the Chromium page with signatures in the worker pool,
 * as the node checks them (else the same inline), and the inline figure beside it. The
 * page's group names its pool ("Chromium (pool of 1)").
 */
export function chromiumVerifyApply(figures: Figure[]): { pooled?: number; inline?: number } {
  const inPage = (name: string) => figures.find((f) => f.group.startsWith('Chromium') && f.name === name)?.opsPerSec;
  const pooled = inPage(VERIFY_APPLY.pooled);
  const inline = inPage(VERIFY_APPLY.full);
  return { ...(pooled === undefined ? {} : { pooled }), ...(inline === undefined ? {} : { inline }) };
}

/**
 * Throughput of the verification gate on signed state deltas (decode, signature, DAG,
 * governance verdicts, state) against raw Yjs applying the same updates, and what each
 * stage costs on its own. The headline pair gets `ms` each, the stages a third of it.
 */
export async function verifyApplyFigures(where: string, f: DeltaFixture, ms = 2400, pool?: BatchVerifier): Promise<Figure[]> {
  const n = f.deltas.length;
  const figure = async (name: string, once: () => Promise<unknown> | unknown, time = ms / 3): Promise<Figure> => ({
    group: where,
    name,
    opsPerSec: await bestRate(once, n, { ms: time }),
  });
  const names = VERIFY_APPLY.stages;
  const ops = f.deltas.map(decodeOp);
  const checked = await checkedOps(f);
  const pooled = pool
    ? [
        await figure(VERIFY_APPLY.pooled, () => verifyAndApply(f, pool), ms),
        await figure(names.verifyPool, async () => {
          if ((await pool.verify(ops.map(opSignatureCheck))).some((ok) => !ok)) throw new Error('bench fixture: bad signature');
        }),
      ]
    : [];
  return [
    ...pooled,
    await figure(VERIFY_APPLY.full, () => verifyAndApply(f), ms),
    await figure(
      VERIFY_APPLY.baseline,
      () => {
        const doc = new Y.Doc();
        for (const u of f.updates) Y.applyUpdate(doc, u);
      },
      ms,
    ),
    await figure(names.decode, () => f.deltas.forEach((b) => decodeOp(b))),
    await figure(names.verify, async () => {
      for (const op of ops) if (!(await verifyOpSignature(op))) throw new Error('bench fixture: bad signature');
    }),
    await figure(names.verifyConcurrent, async () => {
      for (let i = 0; i < n; i += BATCH) await Promise.all(ops.slice(i, i + BATCH).map(verifyOpSignature));
    }),
    await figure(names.dag, () => {
      const dag = createDag();
      const evaluator = createEvaluator();
      for (const c of checked) for (const added of dag.add(c)) evaluator.add(added);
    }),
    await figure(names.state, () => {
      const state = createContextState();
      // Copies: the layout check remembers updates it passed by identity, as the gate's
      // verdict is reused by the state; each run here stands for updates never seen.
      f.updates.forEach((u, i) => state.apply(String(i), u.slice()));
    }),
  ];
}

/**
 * A fresh replica over real state takes in the governance ops, then every delta in batches.
 * An encrypted fixture's replica holds its epoch key, as a member's node does once the
 * genesis's box is opened.
 */
export async function verifyAndApply(f: DeltaFixture, signatures?: BatchVerifier): Promise<void> {
  const state = createContextState();
  const replica = createReplica(f.contextId, state, signatures ? { signatures } : {});
  // Held once the genesis, which commits to it, is taken in.
  if (f.epochKey) replica.learnKeys([f.epochKey]);
  await receiveAll(replica, f.governance);
  for (let i = 0; i < f.deltas.length; i += BATCH) await receiveAll(replica, f.deltas.slice(i, i + BATCH));
  // A benchmark of a path that refuses ops would measure the wrong thing.
  const keys = stateMap(state.doc).size;
  if (keys !== FIXTURE_KEYS) throw new Error(`bench fixture: the state holds ${keys} keys, not ${FIXTURE_KEYS}`);
}

async function receiveAll(replica: Replica, ops: Uint8Array[]): Promise<void> {
  const result = await replica.receive(ops);
  if (result.rejected.length > 0) throw new Error(`bench fixture: op rejected: ${result.rejected[0]!.message}`);
}

/** The fixture's ops past checkIntrinsic (governance first), to time the DAG and evaluator alone. */
async function checkedOps(f: DeltaFixture): Promise<CheckedOp[]> {
  const out: CheckedOp[] = [];
  for (const bytes of [...f.governance, ...f.deltas]) {
    const verdict = await checkIntrinsic(decodeOp(bytes), f.contextId);
    if (!verdict.checked) throw new Error(`bench fixture: ${verdict.ok ? 'unchecked' : verdict.message}`);
    out.push(verdict.checked);
  }
  return out;
}
