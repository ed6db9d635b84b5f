/**
 * Catch-up progress for a progress bar. The expected total comes from what peers advertise
 * (their op count in heads messages): advisory only, never used for correctness, so it is
 * bounded and only believed while that peer's heads show ops this node lacks.
 */
export const CATCH_UP_LIMITS = {
  /** An advertised op count above this is read as this (a hostile peer cannot make the bar absurd). */
  maxAdvertisedOps: 10_000_000,
} as const;

export interface CatchUpProgress {
  /** Ops of the history here: never decreases during one catch-up. */
  have: number;
  /** What the best-informed peer that is ahead says it has: have ≤ expected ≤ the bound. */
  expected: number;
}

/** What a peer showed: its advertised count, and whether its heads name ops this node lacks. */
export interface PeerAhead {
  count: number | undefined;
  ahead: boolean;
}

/**
 * Follows one context's catch-up across reads: while some peer is ahead, `have` and
 * `expected` only grow (the bar never jumps back); once none is, it is over (undefined).
 */
export function createCatchUpTracker() {
  let current: CatchUpProgress | undefined;
  return {
    read(have: number, peers: readonly PeerAhead[]): CatchUpProgress | undefined {
      const ahead = peers.filter((p) => p.ahead);
      if (ahead.length === 0) return (current = undefined);
      const advertised = Math.max(0, ...ahead.map((p) => advertisedCount(p.count)));
      const h = Math.max(current?.have ?? 0, Math.min(have, CATCH_UP_LIMITS.maxAdvertisedOps));
      current = { have: h, expected: Math.max(current?.expected ?? 0, advertised, h) };
      return { ...current };
    },
  };
}

/** A peer's advertised count as a number to show: a finite whole count within the bound. */
export function advertisedCount(count: number | undefined): number {
  if (count === undefined || !Number.isFinite(count) || count < 0) return 0;
  return Math.min(Math.floor(count), CATCH_UP_LIMITS.maxAdvertisedOps);
}
