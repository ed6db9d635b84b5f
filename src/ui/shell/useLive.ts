import { useEffect, useState } from 'react';
import { useNode } from './nodeContext.ts';

/** Reads at most this often: during a catch-up the node changes thousands of times a second. */
const MIN_INTERVAL_MS = 250;

/**
 * A value read from the node, read again whenever the node reports a change (at most every
 * MIN_INTERVAL_MS) and every `pollMs` (peers come and go without a store change).
 */
export function useLive<T>(read: () => Promise<T>, deps: unknown[], pollMs = 1000): { value: T | undefined; error: Error | undefined } {
  const node = useNode();
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    let alive = true;
    let scheduled = false;
    let last = 0;
    const refresh = () => {
      if (scheduled) return;
      scheduled = true;
      const wait = Math.max(0, last + MIN_INTERVAL_MS - performance.now());
      setTimeout(() => {
        scheduled = false;
        last = performance.now();
        read().then(
          (v) => alive && (setValue(v), setError(undefined)),
          (e: Error) => alive && setError(e),
        );
      }, wait);
    };
    refresh();
    const stop = node.onChange(refresh);
    const timer = setInterval(refresh, pollMs);
    return () => {
      alive = false;
      stop();
      clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [node, ...deps]);
  return { value, error };
}
