import { SEVERITY_OF, type AlertObservation, type AlertRecord } from './alert.ts';

/** How many alerts a node keeps (the ones seen most recently). */
export const MAX_ALERTS_KEPT = 500;
/** How many counted occurrences an alert remembers, so a re-reported one is not counted twice. */
export const MAX_SOURCES_PER_ALERT = 200;
/** Longest message kept (characters): detectors quote peers' words. */
export const MAX_ALERT_MESSAGE = 400;

/**
 * Fold observations into the alerts: a new problem makes an alert, a new occurrence of a
 * known one counts on it and opens it again (acknowledging means "seen up to here"), an
 * occurrence already counted changes nothing. Returns undefined when nothing changed.
 */
export function recordObservations(current: readonly AlertRecord[], observations: readonly AlertObservation[]): AlertRecord[] | undefined {
  const byId = new Map(current.map((a) => [a.id, a]));
  let changed = false;
  for (const o of observations) {
    const existing = byId.get(o.id);
    if (existing?.sources.includes(o.source)) continue;
    changed = true;
    const message = o.message.slice(0, MAX_ALERT_MESSAGE);
    const severity = o.severity ?? SEVERITY_OF[o.kind];
    const where = { ...(o.context ? { context: o.context } : {}), ...(o.contextName ? { contextName: o.contextName } : {}) };
    const detail = o.detail?.slice(0, MAX_ALERT_MESSAGE);
    if (!existing) {
      byId.set(o.id, { id: o.id, kind: o.kind, severity, ...where, message, ...(detail ? { detail } : {}), firstSeen: o.at, lastSeen: o.at, count: 1, acknowledged: false, notified: false, sources: [o.source] });
      continue;
    }
    const { detail: _earlier, ...kept } = existing;
    byId.set(o.id, {
      ...kept,
      ...where,
      severity,
      message,
      ...(detail ? { detail } : {}),
      lastSeen: Math.max(existing.lastSeen, o.at),
      count: existing.count + 1,
      acknowledged: false,
      notified: false,
      sources: [...existing.sources, o.source].slice(-MAX_SOURCES_PER_ALERT),
    });
  }
  return changed ? keepNewest([...byId.values()]) : undefined;
}

/** Mark alerts acknowledged: the given ids, or all of them. Undefined when nothing changed. */
export function acknowledgeAlerts(current: readonly AlertRecord[], which: readonly string[] | 'all'): AlertRecord[] | undefined {
  const wanted = (a: AlertRecord) => which === 'all' || which.includes(a.id);
  if (!current.some((a) => wanted(a) && !a.acknowledged)) return undefined;
  return current.map((a) => (wanted(a) && !a.acknowledged ? { ...a, acknowledged: true } : a));
}

/** Mark alerts as notified; `newly` are those that were not yet (notify for these only). */
export function markNotified(current: readonly AlertRecord[], ids: readonly string[]): { alerts: AlertRecord[]; newly: string[] } {
  const newly = current.filter((a) => ids.includes(a.id) && !a.notified).map((a) => a.id);
  return { alerts: current.map((a) => (newly.includes(a.id) ? { ...a, notified: true } : a)), newly };
}

/** The alerts a store keeps, newest (last seen) first: at most MAX_ALERTS_KEPT. */
export function keepNewest(alerts: readonly AlertRecord[], max = MAX_ALERTS_KEPT): AlertRecord[] {
  return [...alerts].sort((a, b) => b.lastSeen - a.lastSeen || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, max);
}

/** Alerts that still want attention. */
export function unacknowledged(alerts: readonly AlertRecord[]): AlertRecord[] {
  return alerts.filter((a) => !a.acknowledged);
}
