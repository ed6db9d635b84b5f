/** The one date format of the alert centre: "7 Dec 2026, 14:05" in the reader's locale. */
export function alertTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
