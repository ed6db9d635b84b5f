import type { EpochKeyRef } from '../governance/state.ts';

/**
 * Which of two key ops wins: the higher epoch, then the higher op id (hex compares as the
 * bytes do). Every peer with the same key ops in a causal past picks the same one, whatever
 * order it saw them in: concurrent rotations settle to one key.
 */
export function newerKey(a: EpochKeyRef | undefined, b: EpochKeyRef): EpochKeyRef {
  if (!a) return b;
  if (a.epoch !== b.epoch) return a.epoch > b.epoch ? a : b;
  return a.op >= b.op ? a : b;
}

/**
 * The epoch key at a point of the history: the winning key op among the valid key ops of its
 * causal past (the genesis of an encrypted context is epoch 0). Undefined: no key op, a
 * plaintext context. The evaluator keeps this per causal past as `GovState.epochKey`.
 */
export function epochKeyAt(keyOpsInPast: Iterable<EpochKeyRef>): EpochKeyRef | undefined {
  let winner: EpochKeyRef | undefined;
  for (const k of keyOpsInPast) winner = newerKey(winner, k);
  return winner;
}
