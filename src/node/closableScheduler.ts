import type { CancelTask, Scheduler } from '../core/mesh/Scheduler.ts';

/**
 * The node's scheduler: its services and contexts schedule through it, and closing the node
 * cancels what still waits (the hourly alert and key-rotation checks, a context's next
 * anti-entropy round), so a closed node leaves no timer behind: a Node script that closes its
 * node exits. Once closed it schedules nothing.
 */
export function closableScheduler(inner: Scheduler): Scheduler & { close(): void } {
  const waiting = new Set<CancelTask>();
  let closed = false;
  return {
    now: () => inner.now(),
    schedule(delayMs, fn) {
      if (closed) return () => undefined;
      let cancel: CancelTask | undefined;
      const cancelInner = inner.schedule(delayMs, () => {
        if (cancel) waiting.delete(cancel);
        fn();
      });
      cancel = () => {
        waiting.delete(cancel!);
        cancelInner();
      };
      waiting.add(cancel);
      return cancel;
    },
    close() {
      closed = true;
      for (const cancel of [...waiting]) cancel();
    },
  };
}
