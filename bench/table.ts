import type { Figure } from './measure.ts';

/** A comparison: one figure beside its baseline, measured in the same run. */
export interface Comparison {
  group: string;
  subject: Figure;
  baseline: Figure;
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

/** Render comparisons as a plain-text table with the ratio subject / baseline. */
export function renderTable(rows: Comparison[]): string {
  return grid(COMPARISON_HEADER, rows.map(comparisonCells));
}

const COMPARISON_HEADER = ['where', 'measure', 'ops/s', 'baseline', 'baseline ops/s', 'ratio'];

const comparisonCells = (r: Comparison): string[] => [
  r.group,
  r.subject.name,
  fmt(r.subject.opsPerSec),
  r.baseline.name,
  fmt(r.baseline.opsPerSec),
  `${(r.subject.opsPerSec / r.baseline.opsPerSec).toFixed(2)}x`,
];

/** Pair each WebCrypto figure with the noble figure of the same operation. */
export function ed25519Comparisons(figures: Figure[]): Comparison[] {
  const out: Comparison[] = [];
  for (const subject of figures.filter((f) => f.name.includes('(webcrypto)'))) {
    const baseline = figures.find((f) => f.group === subject.group && f.name === subject.name.replace('webcrypto', 'noble'));
    if (baseline) out.push({ group: subject.group, subject, baseline });
  }
  return out;
}

/** Pair figures by name within each group: [subject name, baseline name]. */
export function pairComparisons(figures: Figure[], pairs: readonly (readonly [string, string])[]): Comparison[] {
  const out: Comparison[] = [];
  for (const [subjectName, baselineName] of pairs) {
    for (const subject of figures.filter((f) => f.name === subjectName)) {
      const baseline = figures.find((f) => f.group === subject.group && f.name === baselineName);
      if (baseline) out.push({ group: subject.group, subject, baseline });
    }
  }
  return out;
}

/** Comparisons whose subject has a floor to reach (higher is better): each with "met" / "not met". */
export function renderRateGoals(rows: Comparison[], goalOpsPerSec: number): string {
  const goal = (r: Comparison) => `≥ ${fmt(goalOpsPerSec)} ops/s: ${r.subject.opsPerSec >= goalOpsPerSec ? 'met' : 'not met'}`;
  return grid([...COMPARISON_HEADER, 'goal'], rows.map((r) => [...comparisonCells(r), goal(r)]));
}

/**
 * Stages of a pipeline, each measured alone, as microseconds per item and as a share of the
 * whole pipeline's time per item (shares may not add up to 100%: the stages overlap or leave
 * out glue, and each is timed separately).
 */
export function renderStages(whole: Figure[], stages: Figure[]): string {
  const header = ['where', 'stage', 'µs per op', 'of the whole'];
  const body: string[][] = [];
  for (const w of whole) {
    body.push([w.group, `${w.name} (whole)`, (1e6 / w.opsPerSec).toFixed(1), '100%']);
    for (const s of stages.filter((f) => f.group === w.group)) {
      body.push([s.group, `  ${s.name}`, (1e6 / s.opsPerSec).toFixed(1), `${Math.round((100 * w.opsPerSec) / s.opsPerSec)}%`]);
    }
  }
  return grid(header, body);
}

/** A size held against its budget (lower is better). */
export interface Budgeted {
  measure: string;
  value: number;
  budget: number;
  unit: string;
}

export function renderBudgets(rows: Budgeted[]): string {
  const header = ['measure', 'size', 'budget', 'of budget'];
  const body = rows.map((r) => [
    r.measure,
    `${r.value.toFixed(1)} ${r.unit}`,
    `${r.budget} ${r.unit}`,
    `${Math.round((100 * r.value) / r.budget)}%${r.value > r.budget ? ' (over)' : ''}`,
  ]);
  return grid(header, body);
}

/** A time beside its baseline's (lower is better); a string says why it was not measured. */
export interface Timed {
  measure: string;
  ms: number | string;
  baseline: string;
  baselineMs: number | string;
  /** An absolute goal for the time, or one for the ratio time / baseline time. */
  goal: { ms?: number; ratio?: number };
}

const fmtTime = (ms: number | string) => (typeof ms === 'string' ? ms : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`);

/** Times beside their baselines, with the ratio time / baseline time (> 1: slower than the baseline). */
export function renderTimings(rows: Timed[]): string {
  const header = ['measure', 'time', 'baseline', 'baseline time', 'ratio', 'goal'];
  const body = rows.map((r) => {
    const ratio = typeof r.ms === 'number' && typeof r.baselineMs === 'number' ? r.ms / r.baselineMs : undefined;
    const goal =
      r.goal.ms !== undefined ? `≤ ${fmtTime(r.goal.ms)}${typeof r.ms === 'number' ? (r.ms <= r.goal.ms ? ': met' : ': not met') : ''}`
      : r.goal.ratio !== undefined ? `≤ ${r.goal.ratio}x${ratio === undefined ? '' : ratio <= r.goal.ratio ? ': met' : ': not met'}`
      : '';
    return [r.measure, fmtTime(r.ms), r.baseline, fmtTime(r.baselineMs), ratio === undefined ? '-' : `${ratio.toFixed(2)}x`, goal];
  });
  return grid(header, body);
}

/** A rate beside its baseline's (higher is better); a string says why it was not measured. */
export interface Rated {
  measure: string;
  perSec: number | string;
  baseline: string;
  baselinePerSec: number | string;
  /** A goal for the ratio of mean times, time / baseline time. */
  goalRatio?: number;
}

const fmtMean = (perSec: number | string) => (typeof perSec === 'string' ? '-' : perSec > 1000 ? `${Math.round(1e6 / perSec)} µs` : `${(1000 / perSec).toFixed(2)} ms`);

/** Rates and mean times beside their baselines', with the ratio of mean times (> 1: slower than the baseline). */
export function renderRates(rows: Rated[], unit: string): string {
  const header = ['measure', `${unit}/s`, 'mean', 'baseline', `baseline ${unit}/s`, 'baseline mean', 'ratio (time)', 'goal'];
  const body = rows.map((r) => {
    const ratio = typeof r.perSec === 'number' && typeof r.baselinePerSec === 'number' ? r.baselinePerSec / r.perSec : undefined;
    const goal = r.goalRatio === undefined ? '' : `≤ ${r.goalRatio}x${ratio === undefined ? '' : ratio <= r.goalRatio ? ': met' : ': not met'}`;
    const rate = (v: number | string) => (typeof v === 'string' ? v : fmt(v));
    return [r.measure, rate(r.perSec), fmtMean(r.perSec), r.baseline, rate(r.baselinePerSec), fmtMean(r.baselinePerSec), ratio === undefined ? '-' : `${ratio.toFixed(2)}x`, goal];
  });
  return grid(header, body);
}

/** Plain-text columns, padded to the widest cell. */
export function grid(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

/** A size beside its baseline's (lower is better); a string says why it was not measured. */
export interface Sized {
  measure: string;
  bytes: number | string;
  baseline: string;
  baselineBytes: number | string;
  /** An absolute goal for the size. */
  goalBytes?: number;
}

const fmtBytes = (b: number | string) =>
  typeof b === 'string' ? b : Math.abs(b) >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : Math.abs(b) >= 1e3 ? `${(b / 1e3).toFixed(1)} kB` : `${Math.round(b)} B`;

/** Sizes beside their baselines, with the ratio size / baseline size (> 1: bigger than the baseline). */
export function renderSizes(rows: Sized[]): string {
  const header = ['measure', 'size', 'baseline', 'baseline size', 'ratio', 'goal'];
  const body = rows.map((r) => {
    const ratio = typeof r.bytes === 'number' && typeof r.baselineBytes === 'number' && r.baselineBytes > 0 ? r.bytes / r.baselineBytes : undefined;
    const goal = r.goalBytes === undefined ? '' : `≤ ${fmtBytes(r.goalBytes)}${typeof r.bytes === 'number' ? (r.bytes <= r.goalBytes ? ': met' : ': not met') : ''}`;
    return [r.measure, fmtBytes(r.bytes), r.baseline, fmtBytes(r.baselineBytes), ratio === undefined ? '-' : `${ratio.toFixed(2)}x`, goal];
  });
  return grid(header, body);
}
