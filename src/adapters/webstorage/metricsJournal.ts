import { MAX_POINTS_PER_CONTEXT, type HealthPoint } from '../../core/metrics/point.ts';
import type { MetricsRecord } from '../../core/store/index.ts';
import type { MetricsJournal } from '../../core/metrics/journal.ts';

/** The most contexts a journal carries (the Store holds the rest after 30 s anyway). */
const MAX_JOURNAL_CONTEXTS = 100;

const KEY = 'tabnode:metrics-unsaved';

function isPoint(p: unknown): p is HealthPoint {
  return typeof p === 'object' && p !== null && typeof (p as HealthPoint).t === 'number';
}

function isRecord(r: unknown): r is MetricsRecord {
  return typeof r === 'object' && r !== null && typeof (r as MetricsRecord).context === 'string' && Array.isArray((r as MetricsRecord).points);
}

/**
 * A metrics journal in this tab's sessionStorage: written synchronously as the page goes
 * away, read by the same tab's next page (a reload). A closed tab's journal goes with it.
 */
export function sessionMetricsJournal(storage: Storage = sessionStorage): MetricsJournal {
  return {
    write(records) {
      try {
        storage.setItem(KEY, JSON.stringify(records.slice(0, MAX_JOURNAL_CONTEXTS)));
      } catch {
        // Full or unavailable: the samples since the last save are lost, nothing else.
      }
    },
    take() {
      const text = storage.getItem(KEY);
      storage.removeItem(KEY);
      if (!text) return [];
      try {
        const parsed: unknown = JSON.parse(text);
        if (!Array.isArray(parsed)) return [];
        return parsed
          .filter(isRecord)
          .slice(0, MAX_JOURNAL_CONTEXTS)
          .map((r) => ({ context: r.context, savedAt: Number(r.savedAt) || 0, points: r.points.filter(isPoint).slice(-MAX_POINTS_PER_CONTEXT) }));
      } catch {
        return [];
      }
    },
  };
}
