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
  const header = ['where', 'measure', 'ops/s', 'baseline', 'baseline ops/s', 'ratio'];
  const body = rows.map((r) => [
    r.group,
    r.subject.name,
    fmt(r.subject.opsPerSec),
    r.baseline.name,
    fmt(r.baseline.opsPerSec),
    `${(r.subject.opsPerSec / r.baseline.opsPerSec).toFixed(2)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

/** Pair each WebCrypto figure with the noble figure of the same operation. */
export function ed25519Comparisons(figures: Figure[]): Comparison[] {
  const out: Comparison[] = [];
  for (const subject of figures.filter((f) => f.name.includes('(webcrypto)'))) {
    const baseline = figures.find((f) => f.group === subject.group && f.name === subject.name.replace('webcrypto', 'noble'));
    if (baseline) out.push({ group: subject.group, subject, baseline });
  }
  return out;
}
