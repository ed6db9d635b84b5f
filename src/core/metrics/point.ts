/** One health sample of one context, as plotted and stored. Rates are per second over the interval before `t`. */
export interface HealthPoint {
  /** When the sample was taken (ms since the epoch). */
  t: number;
  /** Links whose peer is authenticated and admitted (ops flow). */
  peers: number;
  /** Open links, in any state. */
  links: number;
  /** Open links refused, by us or by the peer. */
  refusedLinks: number;
  /** Ops from peers that joined the history, per second. */
  opsIn: number;
  /** Ops sent on links (own and relayed, as the wire counts them), per second. */
  opsOut: number;
  /** Ops this node made that joined the history, per second. */
  published: number;
  /** Ops refused in the interval: rejected outright or invalid by the rules. */
  refused: number;
  /** Median ms from an op's own timestamp (its author's clock) to its arrival here; null when none arrived. */
  latencyMs: number | null;
  /** Ops the best-informed peer says it has beyond ours, plus ops waiting for their parents. */
  lag: number;
}

/** The sampling period of the metrics service. */
export const SAMPLE_MS = 5_000;

/** One hour of samples at SAMPLE_MS: the most points a context's series keeps. */
export const MAX_POINTS_PER_CONTEXT = 720;
