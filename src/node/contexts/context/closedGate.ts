import type { Store } from '../../../core/store/index.ts';
import { SyncStoppedError } from '../../../core/sync/contextSync.ts';

/** A write for a context that was closed (forgotten, or reopened) meanwhile: refused, so nothing is written for it any more. */
export class ContextClosedError extends Error {
  override readonly name = 'ContextClosedError';
  constructor(what: string) {
    super(`${what}: the context was closed meanwhile (forgotten or reopened), so nothing more is written for it here`);
  }
}

/** The store methods that write a context's rows (its record, ops, seals, snapshot, refusals, private entries, epoch keys). */
const CONTEXT_WRITES = new Set<string>(['putContext', 'putOps', 'putSnapshot', 'putRejections', 'putPrivate', 'putEpochKeys', 'replaceSeals', 'putSealedOps']);

/**
 * The store as one running context writes to it: once the context is closed its writes are
 * refused (`ContextClosedError`), and `drained()` resolves once those already under way have
 * settled, so a forget that waits for it deletes after the last write, never before one.
 */
export function closedGate(store: Store, isClosed: () => boolean) {
  let inFlight = 0;
  let idle: (() => void)[] = [];
  /** Units begun before the close, still running: their writes are let through (`hold`). */
  let held = 0;

  async function run<T>(what: string, write: () => Promise<T>): Promise<T> {
    if (isClosed() && held === 0) throw new ContextClosedError(`${what} refused`);
    inFlight++;
    try {
      return await write();
    } finally {
      if (--inFlight === 0) for (const wake of idle.splice(0)) wake();
    }
  }

  /**
   * A unit of several writes, refused as a whole if the context is closed when it begins;
   * begun before, it runs to its end, writes included, and `drained()` waits for it. Writes
   * and units of other tasks in that window pass too: they also settle before `drained()`
   * resolves, which is what a forget waits for.
   */
  async function hold<T>(what: string, unit: () => Promise<T>): Promise<T> {
    if (isClosed() && held === 0) throw new ContextClosedError(`${what} refused`);
    held++;
    try {
      return await run(what, unit);
    } finally {
      held--;
    }
  }

  const gated = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => Promise<unknown>;
      if (typeof prop === 'string' && CONTEXT_WRITES.has(prop)) return (...args: unknown[]) => run(prop, () => fn.apply(target, args));
      return fn.bind(target);
    },
  });

  return {
    store: gated,
    /** Run another write of this context (private storage) through the gate. */
    run,
    hold,
    /** Resolves once no write of this context is under way. */
    drained(): Promise<void> {
      return inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idle.push(resolve));
    },
  };
}

/** For work left running in the background (`void task().catch(ignoreClosed)`): a context closed meanwhile is expected, anything else is not. */
export function ignoreClosed(e: unknown): void {
  if (e instanceof ContextClosedError || e instanceof SyncStoppedError) return;
  throw e;
}
