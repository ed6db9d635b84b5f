import type { MetricsRecord } from '../store/Store.ts';

/**
 * Where the samples not saved yet go as the page goes away: an IndexedDB write started then
 * does not finish, so this one must be synchronous (sessionStorage in browsers). Read back,
 * and emptied, when the next page's node starts.
 */
export interface MetricsJournal {
  write(records: MetricsRecord[]): void;
  take(): MetricsRecord[];
}
