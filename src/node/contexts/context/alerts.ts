import type { Alert } from '../view.ts';

/** How many alerts a context keeps (the newest). */
export const MAX_ALERTS = 50;

/** A context's alerts, bounded: the oldest go first. */
export function createAlerts(now: () => number) {
  const alerts: Alert[] = [];
  return {
    raise(kind: Alert['kind'], message: string, detail?: string): void {
      alerts.push({ at: now(), kind, message, ...(detail ? { detail } : {}) });
      if (alerts.length > MAX_ALERTS) alerts.shift();
    },
    /** The alerts now, oldest first (the live list: copy it to keep it). */
    list: (): readonly Alert[] => alerts,
  };
}

export type Alerts = ReturnType<typeof createAlerts>;
