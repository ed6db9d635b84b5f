import type { PeerInfo } from '../../../../core/sync/contextSync.ts';
import type { History } from './types.ts';

/**
 * When each client key (hex) was last seen in a context: the newest op it signed (by the
 * op's advisory time), or `now` while it is a verified peer. For device hygiene.
 */
export function selectLastSeen(history: Pick<History, 'ops'>, peers: readonly PeerInfo[], now: number): Map<string, number> {
  const seen = new Map<string, number>();
  for (const c of history.ops) seen.set(c.author, Math.max(seen.get(c.author) ?? 0, c.op.time));
  for (const p of peers) if (p.state === 'verified' && p.key) seen.set(p.key, now);
  return seen;
}
