import { useEffect, useState } from 'react';
import { useNode } from './nodeContext.ts';

/**
 * A value read from the node, read again whenever the node reports a change (at most once
 * a frame) and every `pollMs` (peers come and go without a store change).
 */
export function useLive<T>(read: () => Promise<T>, deps: unknown[], pollMs = 1000): { value: T | undefined; error: Error | undefined } {
  const node = useNode();
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    let alive = true;
    let scheduled = false;
    const refresh = () => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        read().then(
          (v) => alive && (setValue(v), setError(undefined)),
          (e: Error) => alive && setError(e),
        );
      });
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
