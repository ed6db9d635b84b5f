import type { CheckedOp } from '../governance/checkedOp.ts';
import { idKey } from '../ops/op.ts';

export const DAG_LIMITS = {
  /** Ops held while their parents are missing; the oldest are dropped past this (and re-fetched later). */
  maxPending: 20_000,
} as const;

/**
 * The causal graph of a context: ops whose whole past is present, the heads (ops no one
 * names as a parent yet), and a bounded pending set for ops still missing parents.
 * Nothing pending is ever evaluated or applied.
 */
export function createDag(limits = DAG_LIMITS) {
  const complete = new Map<string, CheckedOp>();
  const heads = new Set<string>();
  /** pending op key -> op */
  const pending = new Map<string, CheckedOp>();
  /** missing parent key -> pending ops waiting for it */
  const waiting = new Map<string, Set<string>>();

  function missingParents(c: CheckedOp): string[] {
    return c.op.parents.map(idKey).filter((p) => !complete.has(p));
  }

  function complete1(c: CheckedOp): void {
    complete.set(c.key, c);
    for (const p of c.op.parents) heads.delete(idKey(p));
    heads.add(c.key);
  }

  function dropOldestPending(): void {
    const oldest = pending.keys().next().value;
    if (oldest === undefined) return;
    const c = pending.get(oldest)!;
    pending.delete(oldest);
    for (const p of c.op.parents) waiting.get(idKey(p))?.delete(oldest);
  }

  return {
    has: (key: string) => complete.has(key) || pending.has(key),
    isComplete: (key: string) => complete.has(key),
    get: (key: string) => complete.get(key),

    /**
     * Add a checked op. Returns the ops that became complete, in an order where parents
     * come before children (the op itself, and pending ops it released).
     */
    add(c: CheckedOp): CheckedOp[] {
      if (complete.has(c.key) || pending.has(c.key)) return [];
      const missing = missingParents(c);
      if (missing.length > 0) {
        if (pending.size >= limits.maxPending) dropOldestPending();
        pending.set(c.key, c);
        for (const m of missing) {
          let set = waiting.get(m);
          if (!set) waiting.set(m, (set = new Set()));
          set.add(c.key);
        }
        return [];
      }
      const released: CheckedOp[] = [];
      const queue = [c];
      while (queue.length) {
        const next = queue.shift()!;
        complete1(next);
        released.push(next);
        const waiters = waiting.get(next.key);
        if (!waiters) continue;
        waiting.delete(next.key);
        for (const w of waiters) {
          const op = pending.get(w);
          if (op && missingParents(op).length === 0) {
            pending.delete(w);
            queue.push(op);
          }
        }
      }
      return released;
    },

    heads: (): string[] => [...heads].sort(),
    size: () => complete.size,
    pendingCount: () => pending.size,
    /** Parent ids that pending ops wait for and nobody has sent yet. */
    missing: (): string[] => [...waiting.keys()].filter((k) => !complete.has(k) && !pending.has(k)),
    /** Complete ops in insertion order (parents always before children). */
    all: () => complete.values(),
  };
}

export type Dag = ReturnType<typeof createDag>;
