import { acknowledgeAlerts, markNotified, recordObservations, type AlertObservation, type AlertRecord } from '../../core/alerts/index.ts';
import type { Scheduler } from '../../core/mesh/Scheduler.ts';
import type { AlertStore } from '../../core/store/index.ts';
import type { AlertsView } from '../contexts/view.ts';
import { contextObservations } from './contextObservations.ts';
import { delegationObservation } from './delegationObservation.ts';

/** The node's alerts, as the UI and tests use them (`node.alerts`). */
export interface AlertsApi {
  /** Every alert kept, newest (last seen) first. */
  list(): Promise<AlertRecord[]>;
  acknowledge(id: string): Promise<void>;
  acknowledgeAll(): Promise<void>;
  /**
   * Claim browser notifications for these alerts: returns those nobody notified for yet
   * (in any tab), and marks them, so each opening of an alert notifies once.
   */
  claimNotifications(ids: string[]): Promise<string[]>;
  /** Look at the running contexts and this device's delegation now (it also runs on every context change). */
  refresh(): Promise<void>;
  stop(): void;
}

export interface AlertsDeps {
  store: AlertStore;
  /** What alerts are read from, of the contexts running now (never opens one). */
  openViews(): Promise<AlertsView[]>;
  onContextsChange(listener: () => void): () => void;
  /** This device's key and its delegation's expiry (none before a login). */
  signer(): Promise<{ key: string; expiry: number } | undefined>;
  /** The node's clock (the platform's: tests move it). */
  now(): number;
  scheduler: Scheduler;
}

/** Least time between two passes: a catch-up changes contexts thousands of times a second. */
export const MIN_PASS_GAP_MS = 500;
/** How many stored occurrences a service remembers (forgetting only costs a store read). */
const MAX_REMEMBERED_OCCURRENCES = 10_000;
/** A pass at least this often, contexts changing or not: a delegation nears its end by itself. */
export const RECHECK_EVERY_MS = 60 * 60_000;

/**
 * Feeds the one alert list from what the node already detects: each context's alerts,
 * invalid ops and stored refusals, and this device's delegation. Runs after every context
 * change and every RECHECK_EVERY_MS, one pass at a time (changes during a pass make one
 * more pass).
 */
export function alertsService(d: AlertsDeps): AlertsApi {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  /** Occurrences this service stored already: most passes find nothing new and skip the store. */
  const stored = new Set<string>();

  async function pass(): Promise<void> {
    const now = d.now();
    const [views, signer] = await Promise.all([d.openViews(), d.signer()]);
    const observations: AlertObservation[] = views.flatMap((v) => contextObservations(v, now));
    const delegation = delegationObservation(signer, now);
    if (delegation) observations.push(delegation);
    const fresh = observations.filter((o) => !stored.has(occurrence(o)));
    if (!fresh.length) return;
    await d.store.updateAlerts((current) => recordObservations(current, fresh));
    if (stored.size + fresh.length > MAX_REMEMBERED_OCCURRENCES) stored.clear();
    for (const o of fresh) stored.add(occurrence(o));
  }

  function refresh(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
          if (again) await new Promise<void>((resolve) => d.scheduler.schedule(MIN_PASS_GAP_MS, resolve));
        } while (again && !stopped);
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  const stopListening = d.onContextsChange(() => void refresh().catch(reportPassFailure));
  const recheck = () => {
    if (stopped) return;
    void refresh().catch(reportPassFailure);
    d.scheduler.schedule(RECHECK_EVERY_MS, recheck);
  };
  recheck();

  return {
    list: () => d.store.alerts(),
    async acknowledge(id) {
      await d.store.updateAlerts((current) => acknowledgeAlerts(current, [id]));
    },
    async acknowledgeAll() {
      await d.store.updateAlerts((current) => acknowledgeAlerts(current, 'all'));
    },
    async claimNotifications(ids) {
      let newly: string[] = [];
      await d.store.updateAlerts((current) => {
        const marked = markNotified(current, ids);
        newly = marked.newly;
        return newly.length ? marked.alerts : undefined;
      });
      return newly;
    },
    refresh,
    stop() {
      stopped = true;
      stopListening();
    },
  };
}

function occurrence(o: AlertObservation): string {
  return `${o.id}\n${o.source}`;
}

/** A pass that failed (a context closing under it) is retried by the next change; say so. */
function reportPassFailure(e: unknown): void {
  console.warn('alerts: could not read the contexts this time, will retry on the next change:', e);
}
