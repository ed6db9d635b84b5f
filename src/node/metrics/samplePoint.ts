import { counterGrowth, median, perSecond, type HealthPoint } from '../../core/metrics/index.ts';
import type { ContextView } from '../contexts/view.ts';
import type { TallyCounts } from './tally.ts';

/** Per context, the wire counters of its links at the last sample (link id → ops sent). */
export type WireReadings = ReadonlyMap<string, number>;

/**
 * One health point from a context's view now, what its sync did since the last sample,
 * and the links' counters then. Returns the point and the readings for next time.
 */
export function samplePoint(p: { view: ContextView; counts: TallyCounts; wire: WireReadings; t: number; intervalMs: number }): { point: HealthPoint; wire: Map<string, number> } {
  const { view, counts, intervalMs } = p;
  const open = view.peers.filter((x) => x.state !== 'closed');
  const sent = counterGrowth(p.wire, open.map((x) => [x.linkId, x.sent.ops] as const));
  const latency = median(counts.latencies);
  return {
    point: {
      t: p.t,
      peers: open.filter((x) => x.state === 'verified' && !x.refusedBy).length,
      links: open.length,
      refusedLinks: open.filter((x) => x.state === 'refused' || x.refusedBy).length,
      opsIn: perSecond(counts.opsIn, intervalMs),
      opsOut: perSecond(sent.total, intervalMs),
      published: perSecond(counts.published, intervalMs),
      refused: counts.refused,
      latencyMs: latency === null ? null : Math.round(latency),
      lag: syncLag(view),
    },
    wire: sent.readings,
  };
}

/** Ops the best-informed peer says it has beyond ours (at its last heads), plus ops waiting for parents. */
export function syncLag(view: Pick<ContextView, 'remoteOpCount' | 'opCount' | 'pending'>): number {
  return Math.max(0, view.remoteOpCount - view.opCount) + view.pending;
}
