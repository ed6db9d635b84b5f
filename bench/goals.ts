// The goals (issue 12, "Long-lived contexts stay fast") in one registry: each bench
// section records the figure it measured against a goal with recordGoal(); run.ts prints
// the goals of each section after it, and every goal — measured or not — in one summary at
// the end of `npm run bench`. Whether a goal is met is decided here, from its limit, so
// every section judges the same way.
import { grid } from './table.ts';

export interface Goal {
  /** What the goal asks, in the words. */
  text: string;
  /** The `npm run bench -- <section>` that measures it. */
  section: string;
  limit: number;
  unit: 'ms' | 'x' | 'ops/s' | 'MB' | 'kB';
  /** true: the figure must reach the limit (a rate); otherwise stay at or under it. */
  atLeast?: boolean;
}

export const GOALS = {
  'cold-open-10k': { text: 'Cold open of a 10k-op context to a usable view', section: 'growth', limit: 150, unit: 'ms' },
  'cold-open-100k': { text: 'Cold open of a 100k-op context to a usable view', section: 'growth', limit: 500, unit: 'ms' },
  'catch-up-10k': { text: 'Catch-up of a 10k-op context between two Chromium peers', section: 'p2p', limit: 1500, unit: 'ms' },
  'catch-up-10k-ratio': { text: 'Catch-up of a 10k-op context, against the plain data channel', section: 'p2p', limit: 3, unit: 'x' },
  'catch-up-100k': { text: 'Catch-up of a 100k-op context, progress bar throughout', section: 'p2p', limit: 10_000, unit: 'ms' },
  'write-100k': { text: 'Write latency at 100k ops, against a fresh context', section: 'growth', limit: 1.2, unit: 'x' },
  'verify-apply': { text: 'Verify + apply in Chromium', section: 'core', limit: 20_000, unit: 'ops/s', atLeast: true },
  'propagation-fresh': { text: 'Propagation p50, fresh context, against plain y-webrtc', section: 'p2p', limit: 1.5, unit: 'x' },
  'propagation-10k': { text: 'Propagation p50, 10k-op context, against plain y-webrtc', section: 'p2p', limit: 1.5, unit: 'x' },
  'wasm-round-trip': { text: 'WASM call round trip, against a bare Worker echo', section: 'runtime', limit: 1.5, unit: 'x' },
  'heap-100k': { text: 'Heap of an open 100k-op context', section: 'growth', limit: 150, unit: 'MB' },
  'first-load-js': { text: 'First-load JS, gzip', section: 'bundle', limit: 250, unit: 'kB' },
} as const satisfies Record<string, Goal>;

export type GoalId = keyof typeof GOALS;

export interface GoalRecord {
  goal: GoalId;
  /** The figure in the goal's unit; a string says why it was not measured. */
  figure: number | string;
  /** How it was measured, briefly (e.g. "Node heap, not Chromium's"). */
  detail?: string;
  /** A condition of the goal beside its figure that failed (e.g. the bar was not shown throughout): not met, whatever the figure. */
  failed?: string;
}

/** Recorded figures by goal; a goal recorded twice keeps the later figure. */
const recorded = new Map<GoalId, GoalRecord>();

export function recordGoal(record: GoalRecord): void {
  recorded.set(record.goal, record);
}

/** What was recorded for a goal so far, if anything. */
export function recordedGoal(goal: GoalId): GoalRecord | undefined {
  return recorded.get(goal);
}

/** 'met' / 'not met', or undefined when the figure is missing or not a number. */
export function verdict(goal: GoalId, figure: number | string | undefined): 'met' | 'not met' | undefined {
  if (typeof figure !== 'number' || !Number.isFinite(figure)) return undefined;
  const g: Goal = GOALS[goal];
  return (g.atLeast ? figure >= g.limit : figure <= g.limit) ? 'met' : 'not met';
}

function show(value: number, unit: Goal['unit']): string {
  switch (unit) {
    case 'ms':
      return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value >= 100 ? 0 : 1)} ms`;
    case 'x':
      return `${value.toFixed(2)}x`;
    case 'ops/s':
      return `${Math.round(value).toLocaleString('en-US')} ops/s`;
    default:
      return `${value.toFixed(1)} ${unit}`;
  }
}

/**
 * The goals as a table: goal, limit, figure, met / not met / not measured. `sections`:
 * only the goals those sections measure (all goals when omitted). `ran`: sections that ran
 * in this process, so a goal nobody recorded says whether its section ran.
 */
export function renderGoals(sections?: readonly string[], ran: readonly string[] = []): string {
  const rows = (Object.entries(GOALS) as [GoalId, Goal][])
    .filter(([, g]) => !sections || sections.includes(g.section))
    .map(([id, g]) => {
      const r = recorded.get(id);
      const limit = `${g.atLeast ? '≥' : '≤'} ${show(g.limit, g.unit)}`;
      if (!r) {
        const why = ran.includes(g.section) ? `the ${g.section} section does not measure it yet` : `run npm run bench -- ${g.section}`;
        return [g.text, limit, '-', `not measured (${why})`];
      }
      if (typeof r.figure !== 'number') return [g.text, limit, '-', `not measured: ${r.figure.replace(/^not measured:\s*/, '')}`];
      const status = r.failed ? `not met: ${r.failed}` : (verdict(id, r.figure) ?? 'not measured');
      return [g.text, limit, show(r.figure, g.unit) + (r.detail ? ` (${r.detail})` : ''), status];
    });
  return grid(['goal', 'limit', 'figure', 'status'], rows);
}

/** Forget what was recorded (tests). */
export function clearGoals(): void {
  recorded.clear();
}
