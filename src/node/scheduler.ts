import type { Scheduler } from '../core/mesh/Scheduler.ts';

/** A Scheduler over the host's clock and timers (core gets time only through this). */
export const realTimeScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(delayMs, fn) {
    const timer = setTimeout(fn, delayMs);
    return () => clearTimeout(timer);
  },
};
