import { alignSeries, type HealthField, type HealthPoint } from '../../core/metrics/index.ts';
import type { ContextHealth } from '../../node/index.ts';

/** The most contexts drawn in one plot (one line each); the rest are named in the caption. */
export const MAX_PLOTTED_CONTEXTS = 8;

/** Line colours, one per context; readable on light and dark cards. */
export const PALETTE = ['#3b5bdb', '#d6336c', '#2f9e44', '#e8590c', '#7950f2', '#1098ad', '#74b816', '#ae3ec9'] as const;

export interface PlotSpec {
  field: HealthField;
  title: string;
  unit: string;
  /** The unit after a 1, where it differs. */
  unitOne?: string;
  /** What the number is, shown under the plot. */
  about: string;
}

export const PLOTS: readonly PlotSpec[] = [
  { field: 'opsIn', title: 'Ops in', unit: 'ops/s', about: 'Ops from peers that joined the history, per second.' },
  { field: 'opsOut', title: 'Ops out', unit: 'ops/s', about: 'Ops sent on links (this node’s own and relayed), per second.' },
  {
    field: 'latencyMs',
    title: 'Propagation latency',
    unit: 'ms',
    about: 'Median time from an op’s own timestamp (its author’s clock) to its arrival here, per sample; ops older than 60 s on arrival (catch-up) are left out. Peers’ clocks may differ a little.',
  },
  { field: 'peers', title: 'Peers', unit: 'peers', unitOne: 'peer', about: 'Peers linked that proved their key and are admitted (ops flow).' },
  { field: 'refused', title: 'Refusals', unit: 'refused ops', unitOne: 'refused op', about: 'Ops refused in each sample: rejected outright or invalid by the rules.' },
];

export interface PlotData {
  /** uPlot's data: seconds, then one column per context. */
  data: [number[], ...(number | null)[][]];
  names: string[];
  /** Latest value per plotted context: its newest sample that has one (null: none has). */
  latest: (number | null)[];
  points: number;
  /** Contexts not drawn (past MAX_PLOTTED_CONTEXTS). */
  omitted: number;
}

/** One plot's data: the first MAX_PLOTTED_CONTEXTS contexts, aligned on one time axis. */
export function plotData(contexts: readonly ContextHealth[], field: HealthField): PlotData {
  const shown = contexts.slice(0, MAX_PLOTTED_CONTEXTS);
  const { xs, ys } = alignSeries(
    shown.map((c) => c.series),
    field,
  );
  return {
    data: [xs, ...ys],
    names: shown.map((c) => c.name),
    latest: shown.map((c) => latestOf(c.series, field)),
    points: xs.length,
    omitted: contexts.length - shown.length,
  };
}

/** The newest value of a field in a series (latency is null in samples where no op arrived). */
export function latestOf(series: readonly HealthPoint[], field: HealthField): number | null {
  for (let i = series.length - 1; i >= 0; i--) {
    const v = series[i]![field];
    if (v !== null) return v;
  }
  return null;
}

const formatter = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

/** "0.4 ops/s", "1 peer", or "no data". */
export function valueText(value: number | null, unit: string, unitOne = unit): string {
  return value === null ? 'no data' : `${formatter.format(value)} ${value === 1 ? unitOne : unit}`;
}

/** The sentence a screen reader hears for a plot: what, over how long, and the latest values. */
export function plotSummary(spec: PlotSpec, d: PlotData): string {
  if (!d.points) return `${spec.title}: no samples yet.`;
  const span = Math.max(1, Math.round((d.data[0].at(-1)! - d.data[0][0]!) / 60));
  const latest = d.names.map((n, i) => `${n} ${valueText(d.latest[i]!, spec.unit, spec.unitOne)}`).join(', ');
  return `${spec.title} over the last ${span} min (${d.points} samples). Latest: ${latest}.`;
}
