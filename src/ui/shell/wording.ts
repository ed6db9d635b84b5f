/** "1 member", "2 members"; `plural` when adding "s" is wrong ("1 reply", "2 replies"). */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** A count with thousands separators, as progress lines show it: "34,816". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** One date format across the app: "7 Dec 2026, 14:05" in the reader's locale and time zone. */
const DATE_TIME = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

export function formatDateTime(ms: number): string {
  return Number.isFinite(ms) ? DATE_TIME.format(ms) : 'unknown time';
}

/** The time of day in the same format ("14:05"), for moments of today; other days get the full format. */
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const TIME_SECONDS = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function formatTime(ms: number, now = Date.now()): string {
  if (!Number.isFinite(ms)) return 'unknown time';
  return new Date(ms).toDateString() === new Date(now).toDateString() ? TIME.format(ms) : DATE_TIME.format(ms);
}

/** Only the time of day, in the same format ("14:05", or "14:05:30" with seconds): for a time axis. */
export function formatClock(ms: number, seconds = false): string {
  if (!Number.isFinite(ms)) return 'unknown time';
  return (seconds ? TIME_SECONDS : TIME).format(ms);
}

/** The same format without the time, for days (expiries, due dates): "7 Dec 2026". */
const DAY = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

export function formatDate(ms: number): string {
  return Number.isFinite(ms) ? DAY.format(ms) : 'unknown day';
}

/** A sentence as users read it: the first letter upper case, ending with a full stop. */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const first = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}
