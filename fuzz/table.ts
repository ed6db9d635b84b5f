import type { Crash, TargetReport } from './runTarget.ts';

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** The run as a plain-text table: one row per decoder, and a total. */
export function renderTable(reports: TargetReport[]): string {
  const header = ['decoder', 'inputs', 'inputs/s', 'decoded ok', 'refused', 'crashes'];
  const rows = reports.map((r) => [r.name, count(r.inputs), count(r.inputs / Math.max(r.seconds, 1e-9)), count(r.decoded), count(r.refused), count(r.crashes)]);
  const sum = (pick: (r: TargetReport) => number) => count(reports.reduce((n, r) => n + pick(r), 0));
  rows.push(['total', sum((r) => r.inputs), '', sum((r) => r.decoded), sum((r) => r.refused), sum((r) => r.crashes)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(0, -1).map(line), widths.map((w) => '-'.repeat(w)).join('  '), line(rows.at(-1)!)].join('\n');
}

/** One crash, with what it takes to replay it. */
export function renderCrash(target: string, seed: number, crash: Crash, savedAs?: string): string {
  const lines = [
    `CRASH in ${target} (${crash.kind}, ${crash.count}×): ${crash.error}`,
    `  seed ${seed}, input #${crash.index}, ${crash.inputHex.length / 2} bytes`,
    ...(crash.detail ? crash.detail.split('\n').slice(1, 6).map((l) => `  ${l.trim()}`) : []),
    `  input (hex): ${crash.inputHex.length <= 8192 ? crash.inputHex : `${crash.inputHex.slice(0, 256)}… (whole input in ${savedAs})`}`,
    `  replay: npm run fuzz -- --only ${target} --replay ${savedAs ?? crash.inputHex}`,
  ];
  return lines.join('\n');
}
