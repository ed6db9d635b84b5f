import type { DelegationCheck } from '../../node/index.ts';
import type { Plain } from '../shell/plainWords.ts';

/**
 * Why a pasted delegation certificate is not valid, in plain words (identityService's
 * checkDelegation). Loaded only when a check fails: these words stay out of the first load.
 */
const DELEGATION_PROBLEMS: Record<Extract<DelegationCheck, { ok: false }>['reason'], string> = {
  undecodable: 'This certificate is damaged or incomplete: it cannot be read.',
  malformed: 'This certificate is damaged: what it says does not make sense.',
  'invalid-client-key': 'This certificate names a device key that is not a valid key.',
  'proof-mismatch': 'This certificate is signed in a way its identity cannot sign.',
  'bad-signature': 'This certificate was not signed by the identity it names: it was changed or forged.',
  unverifiable: 'This certificate is signed by a wallet account that cannot be checked from here.',
  'not-yet-valid': 'This certificate starts in the future: check the clocks of this device and of the one that made it.',
  expired: 'This certificate has expired: its device must sign in again to get a new one.',
  'too-long-lived': 'This certificate lasts longer than Tabnode allows, so it is not accepted.',
};

/** A delegation check that failed, as a person reads it; the code and checker's message kept as the detail. */
export function plainDelegationProblem(reason: string, message: string): Plain {
  const text = DELEGATION_PROBLEMS[reason as keyof typeof DELEGATION_PROBLEMS] ?? 'This certificate is not valid.';
  return { text, detail: `${reason}: ${message}` };
}
