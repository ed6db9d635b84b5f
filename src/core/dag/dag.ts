import { parentKeys, type CheckedOp } from '../governance/checkedOp.ts';
import { ancestors } from './ancestors.ts';

export const DAG_LIMITS = {
  /** Bytes of ops held while their parents are missing; the oldest are dropped past this (and re-fetched later). */
  maxPendingBytes: 32 * 1024 * 1024,
  /** Ops held while their parents are missing, whatever their size. */
  maxPending: 20_000,
} as const;

interface Pending {
  c: CheckedOp;
  /** Who delivered it (a link id), so a peer's share of the pending set can be bounded. */
  source: string | undefined;
}

/**
 * The causal graph of a context: ops whose whole past is present, and a pending set, bounded
 * in bytes, for ops still missing parents. Nothing pending is ever evaluated or applied.
 * Which complete ops count (heads, relaying) is the history's business (context/history.ts):
 * the DAG holds valid and invalid ops alike.
 */
export function createDag(limits: { maxPendingBytes: number; maxPending: number } = DAG_LIMITS) {
  const complete = new Map<string, CheckedOp>();
  /** Complete children per complete op: an op with none is a leaf, and only leaves may be removed. */
  const children = new Map<string, number>();
  /** When each complete op completed: sorting by it puts parents before children. */
  const seq = new Map<string, number>();
  let completed = 0;
  const pending = new Map<string, Pending>();
  /** missing parent key -> pending ops waiting for it */
  const waiting = new Map<string, Set<string>>();
  let pendingBytes = 0;
  const pendingBySource = new Map<string, number>();

  function missingParents(c: CheckedOp): string[] {
    return parentKeys(c).filter((p) => !complete.has(p));
  }

  function complete1(c: CheckedOp): void {
    complete.set(c.key, c);
    seq.set(c.key, completed++);
    for (const k of parentKeys(c)) children.set(k, (children.get(k) ?? 0) + 1);
  }

  function unpend(key: string): Pending | undefined {
    const entry = pending.get(key);
    if (!entry) return undefined;
    pending.delete(key);
    pendingBytes -= entry.c.bytes.length;
    if (entry.source !== undefined) {
      const left = (pendingBySource.get(entry.source) ?? 0) - entry.c.bytes.length;
      if (left > 0) pendingBySource.set(entry.source, left);
      else pendingBySource.delete(entry.source);
    }
    for (const p of parentKeys(entry.c)) {
      const set = waiting.get(p);
      set?.delete(key);
      if (set?.size === 0) waiting.delete(p);
    }
    return entry;
  }

  function makeRoom(bytes: number): void {
    for (const oldest of pending.keys()) {
      if (pendingBytes + bytes <= limits.maxPendingBytes && pending.size < limits.maxPending) return;
      unpend(oldest);
    }
  }

  return {
    has: (key: string) => complete.has(key) || pending.has(key),
    isComplete: (key: string) => complete.has(key),
    get: (key: string) => complete.get(key),

    /**
     * Add a checked op. Returns the ops that became complete, in an order where parents
     * come before children (the op itself, and pending ops it released). `source` names who
     * delivered it, for the per-source pending bound.
     */
    add(c: CheckedOp, source?: string): CheckedOp[] {
      if (complete.has(c.key) || pending.has(c.key)) return [];
      const missing = missingParents(c);
      if (missing.length > 0) {
        if (c.bytes.length > limits.maxPendingBytes) return [];
        makeRoom(c.bytes.length);
        pending.set(c.key, { c, source });
        pendingBytes += c.bytes.length;
        if (source !== undefined) pendingBySource.set(source, (pendingBySource.get(source) ?? 0) + c.bytes.length);
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
          const entry = pending.get(w);
          if (entry && missingParents(entry.c).length === 0) {
            unpend(w);
            queue.push(entry.c);
          }
        }
      }
      return released;
    },

    /** Sort complete ops' keys so parents come before children. */
    parentsFirst(keys: string[]): string[] {
      if (keys.length <= 1) return keys;
      const order = keys.map((k) => seq.get(k) ?? 0);
      // Keys from a load or a receive mostly come in order already: no sort then.
      let sorted = true;
      for (let i = 1; i < order.length && sorted; i++) sorted = order[i - 1]! <= order[i]!;
      if (sorted) return [...keys];
      return keys.map((k, i) => [k, order[i]!] as const).sort((a, b) => a[1] - b[1]).map(([k]) => k);
    },

    /**
     * Take a complete leaf (an op no complete op names as a parent) out again: refused ops
     * past their budget leave the DAG. Returns false for an op that is not a complete leaf.
     */
    removeLeaf(key: string): boolean {
      const c = complete.get(key);
      if (!c || (children.get(key) ?? 0) > 0) return false;
      complete.delete(key);
      children.delete(key);
      seq.delete(key);
      for (const k of parentKeys(c)) {
        const n = (children.get(k) ?? 1) - 1;
        if (n > 0) children.set(k, n);
        else children.delete(k);
      }
      return true;
    },

    size: () => complete.size,
    pendingCount: () => pending.size,
    pendingBytes: () => pendingBytes,
    /** Bytes of pending ops that `source` delivered. */
    pendingBytesFrom: (source: string) => pendingBySource.get(source) ?? 0,
    /** Forget every pending op `source` delivered (a peer that broke its quota, or left). */
    dropPendingFrom(source: string): void {
      for (const [key, entry] of [...pending]) if (entry.source === source) unpend(key);
    },
    /** Parent ids that pending ops wait for and nobody has sent yet. */
    missing: (): string[] => [...waiting.keys()].filter((k) => !complete.has(k) && !pending.has(k)),
    /** The same, for the pending ops `source` delivered only (what to ask that source for). */
    missingFrom(source: string): string[] {
      const out = new Set<string>();
      for (const entry of pending.values()) {
        if (entry.source !== source) continue;
        for (const k of parentKeys(entry.c)) if (!complete.has(k) && !pending.has(k)) out.add(k);
      }
      return [...out];
    },
    /** Complete ops in insertion order (parents always before children). */
    all: () => complete.values(),
    /** The causal past of an op with these parent keys, through the complete ops (`ancestors.ts`). */
    ancestors: (parents: Iterable<string>): Set<string> => ancestors(parents, (k) => {
      const c = complete.get(k);
      return c && parentKeys(c);
    }),
  };
}

export type Dag = ReturnType<typeof createDag>;
