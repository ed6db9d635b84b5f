import type { Alert } from '../../node/contexts/view.ts';

// The refusal words live with the node, which words its alerts with them too.
export { plainReason, reasonClause } from '../../node/words/reasonWords.ts';

/** A context's alert kinds (node/contexts/view.ts) as badge words; the kind kept as the tooltip. */
const ALERT_KINDS: Record<Alert['kind'], string> = {
  divergence: 'Copies disagree',
  'refused-peer': 'Peer refused',
  'rejected-op': 'Changes refused',
  'join-failed': 'Joining failed',
  verification: 'Re-run differs',
  quota: 'Over a limit',
  clock: 'Clock off',
  anchor: 'Chain record differs',
  'app-integrity': 'App not as recorded',
};

/** An alert's kind in plain words ("rejected-op" → "Changes refused"). */
export function plainAlertKind(kind: string): string {
  return ALERT_KINDS[kind as Alert['kind']] ?? 'Alert';
}
