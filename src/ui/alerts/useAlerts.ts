import type { AlertRecord } from '../../core/alerts/index.ts';
import { useNode } from '../shell/nodeContext.ts';
import { useLive } from '../shell/useLive.ts';

/** The node's alerts, newest first, read again on every change. */
export function useAlerts(): { alerts: AlertRecord[] | undefined; error: Error | undefined } {
  const node = useNode();
  const { value, error } = useLive(() => node.alerts.list(), [], 5000);
  return { alerts: value, error };
}
