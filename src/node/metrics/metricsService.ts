import { appendPoint, mergeSeries, SAMPLE_MS, type HealthPoint } from '../../core/metrics/index.ts';
import type { Scheduler } from '../../core/mesh/Scheduler.ts';
import type { MetricsJournal } from '../../core/metrics/journal.ts';
import type { MetricsRecord, MetricsStore } from '../../core/store/index.ts';
import type { SyncEvent } from '../../core/sync/contextSync.ts';
import type { ContextView } from '../contexts/view.ts';
import { dashboardOf, type DashboardView } from './dashboardView.ts';
import { samplePoint } from './samplePoint.ts';
import { createTally, type Tally } from './tally.ts';

export type { MetricsJournal } from '../../core/metrics/journal.ts';

export interface MetricsTimings {
  /** How often every open context is sampled. */
  sampleMs: number;
  /** How often sampled series are saved (and at close, and when the page is hidden). */
  saveEveryMs: number;
}

export const METRICS_TIMINGS: MetricsTimings = { sampleMs: SAMPLE_MS, saveEveryMs: 30_000 };

/** The Node API's side of it: the dashboard as plain data, and saving now. */
export interface MetricsApi {
  dashboard(): Promise<DashboardView>;
  /** The page is going away: journal what was sampled since the last save at once, and save it. */
  flush(): Promise<void>;
}

/**
 * Samples every open context's health every `sampleMs` into bounded series (one hour),
 * saved through the Store every `saveEveryMs`, so the dashboard's plots survive reloads.
 * Ops are counted as the sync layer reports them (`observe`), links from their counters.
 */
export function metricsService(d: { store: MetricsStore; scheduler: Scheduler; contexts: { openViews(): Promise<ContextView[]> }; timings?: Partial<MetricsTimings>; journal?: MetricsJournal }) {
  const timings = { ...METRICS_TIMINGS, ...d.timings };
  const now = () => d.scheduler.now();
  const tallies = new Map<string, Tally>();
  const series = new Map<string, HealthPoint[]>();
  /** Per context: the links' sent-ops counters at the last sample. */
  const wire = new Map<string, Map<string, number>>();
  /** Per context: when the interval now being counted began. */
  const since = new Map<string, number>();
  const dirty = new Set<string>();
  /** Per context: the time of the newest point the Store holds. */
  const savedThrough = new Map<string, number>();
  let lastSave = now();
  let stopped = false;
  let loading: Promise<void> | undefined;
  let saving: Promise<void> = Promise.resolve();

  function tallyOf(id: string): Tally {
    let tally = tallies.get(id);
    if (!tally) {
      tallies.set(id, (tally = createTally(now)));
      since.set(id, now());
    }
    return tally;
  }

  /** The stored series, read once, joined with anything sampled before they arrived. */
  function load(): Promise<void> {
    loading ??= d.store.metrics().then(
      (records) => {
        for (const r of records) {
          series.set(r.context, mergeSeries(r.points, series.get(r.context) ?? []));
          savedThrough.set(r.context, r.points.at(-1)?.t ?? -Infinity);
        }
        // What the previous page sampled after its last save (the Store gets it at the next save).
        for (const r of d.journal?.take() ?? []) {
          series.set(r.context, mergeSeries(series.get(r.context) ?? [], r.points));
          dirty.add(r.context);
        }
      },
      (e: unknown) => {
        loading = undefined; // read again next time
        throw e;
      },
    );
    return loading;
  }

  async function sample(): Promise<void> {
    await load();
    const t = now();
    for (const view of await d.contexts.openViews()) {
      const counts = tallyOf(view.id).take();
      const intervalMs = t - (since.get(view.id) ?? t - timings.sampleMs);
      const { point, wire: readings } = samplePoint({ view, counts, wire: wire.get(view.id) ?? new Map(), t, intervalMs });
      wire.set(view.id, readings);
      since.set(view.id, t);
      series.set(view.id, appendPoint(series.get(view.id) ?? [], point));
      dirty.add(view.id);
    }
  }

  function save(): Promise<void> {
    const ids = [...dirty];
    dirty.clear();
    lastSave = now();
    // One save at a time, in order: a later one never lands under an earlier one.
    const run = saving.then(async () => {
      for (const id of ids) {
        const points = series.get(id) ?? [];
        await d.store.putMetrics({ context: id, savedAt: lastSave, points });
        savedThrough.set(id, points.at(-1)?.t ?? -Infinity);
      }
    });
    // A failed save is tried again with the next one.
    saving = run.catch(() => ids.forEach((id) => dirty.add(id)));
    return run;
  }

  /** Per context, the points the Store does not hold yet. */
  function unsaved(): MetricsRecord[] {
    return [...series].flatMap(([context, points]) => {
      const fresh = points.filter((p) => p.t > (savedThrough.get(context) ?? -Infinity));
      return fresh.length ? [{ context, savedAt: now(), points: fresh }] : [];
    });
  }

  function tick(): void {
    if (stopped) return;
    sample()
      .then(() => (now() - lastSave >= timings.saveEveryMs ? save() : undefined))
      .catch(() => undefined) // a failed sample or save is retried at the next tick
      .finally(() => {
        if (!stopped) d.scheduler.schedule(timings.sampleMs, tick);
      });
  }

  return {
    /** Count one sync event of a context (called for every event: cheap). */
    observe(contextId: string, event: SyncEvent): void {
      tallyOf(contextId).observe(event);
    },
    start(): void {
      void load();
      d.scheduler.schedule(timings.sampleMs, tick);
    },
    api: {
      async dashboard(): Promise<DashboardView> {
        await load();
        return dashboardOf(await d.contexts.openViews(), (id) => series.get(id) ?? [], now(), timings.sampleMs);
      },
      flush(): Promise<void> {
        d.journal?.write(unsaved());
        return save();
      },
    } satisfies MetricsApi,
    /** Stop sampling and save what is left. */
    async close(): Promise<void> {
      stopped = true;
      await save();
    },
  };
}
