import type { SyncEvent } from '../../core/sync/contextSync.ts';

/** Ops older than this on arrival (a catch-up after being offline) say nothing about propagation. */
export const LATENCY_MAX_AGE_MS = 60_000;

/** The most latency samples one interval keeps (the first ones). */
export const MAX_LATENCY_SAMPLES = 512;

/** What one context's sync did since the last sample. */
export interface TallyCounts {
  /** Ops from peers that joined the history. */
  opsIn: number;
  /** Ops made here that joined the history. */
  published: number;
  /** Ops rejected outright or refused by the rules. */
  refused: number;
  /** ms from each op's own timestamp to its arrival here (ops from peers, recent ones). */
  latencies: number[];
}

const empty = (): TallyCounts => ({ opsIn: 0, published: 0, refused: 0, latencies: [] });

/**
 * Counts one context's sync events between two samples. It runs on every event the sync
 * layer reports, so it only adds numbers: no lookups, no allocation beyond the bounded samples.
 */
export function createTally(now: () => number) {
  let counts = empty();
  return {
    observe(event: SyncEvent): void {
      if (event.kind === 'rejected') counts.refused += event.rejections.length;
      if (event.kind !== 'ops') return;
      const { added, accepted } = event.result;
      // Added but not in the history: refused by the rules (kept to be shown, never relayed).
      if (added.length) {
        const joined = new Set(accepted.map((c) => c.key));
        counts.refused += added.filter((c) => !joined.has(c.key)).length;
      }
      if (event.from === undefined) {
        counts.published += accepted.length;
        return;
      }
      counts.opsIn += accepted.length;
      const at = now();
      for (const c of accepted) {
        const age = Math.max(0, at - c.op.time);
        if (age <= LATENCY_MAX_AGE_MS && counts.latencies.length < MAX_LATENCY_SAMPLES) counts.latencies.push(age);
      }
    },
    /** The counts since the last call, starting again from zero. */
    take(): TallyCounts {
      const taken = counts;
      counts = empty();
      return taken;
    },
  };
}

export type Tally = ReturnType<typeof createTally>;
