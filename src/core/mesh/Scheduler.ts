/**
 * Time and deferred work, injected so core never touches the clock or timers: the browser
 * node passes one over the host's clock and timers, simulations pass `simScheduler()`.
 */
export interface Scheduler {
  /** Milliseconds on this scheduler's clock. */
  now(): number;
  /**
   * Run `fn` once, `delayMs` from now. Tasks due at the same time run in the order scheduled.
   * Returns what cancels it (nothing once it ran).
   */
  schedule(delayMs: number, fn: () => void): CancelTask;
}

export type CancelTask = () => void;
