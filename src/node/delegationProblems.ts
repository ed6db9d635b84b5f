import type { DelegationRefusal } from '../core/identity/index.ts';

/**
 * Why this device's own delegation is not valid, as the Identity page tells its owner: what
 * to do about it, no codes or timestamps (the checker's message is kept as the detail).
 * Typed against the refusals, so a new one needs words.
 */
const OWN_DELEGATION_PROBLEMS: Record<DelegationRefusal, string> = {
  malformed: "This device's delegation is damaged. Sign in again to get a new one.",
  'invalid-client-key': "This device's delegation names a key that is not valid. Sign in again to get a new one.",
  'proof-mismatch': "This device's delegation is signed in a way its identity cannot sign. Sign in again to get a new one.",
  'bad-signature': "This device's delegation was not signed by its identity: it was changed. Sign in again to get a new one.",
  unverifiable: "This device's delegation is signed by a wallet account this node cannot check. Set an RPC for its chain in Settings.",
  'not-yet-valid': "This device's delegation starts in the future. Check this device's clock.",
  expired: "This device's delegation has expired. Renew it below, or sign in again.",
  'too-long-lived': "This device's delegation lasts longer than Tabnode allows. Renew it below.",
};

export function ownDelegationProblem(reason: DelegationRefusal): string {
  return OWN_DELEGATION_PROBLEMS[reason];
}
