/** A day as people read it here, in one format across the app: "Dec 7, 2026". */
export function formatDate(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}
