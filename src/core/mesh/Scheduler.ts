/**
 * Time and deferred work, injected so core never touches the clock or timers: browsers
 * pass one over `Date.now`/`setTimeout`, simulations pass `simScheduler()`.
 */
export interface Scheduler {
  /** Milliseconds on this scheduler's clock. */
  now(): number;
  /** Run `fn` once, `delayMs` from now. Tasks due at the same time run in the order scheduled. */
  schedule(delayMs: number, fn: () => void): void;
}
