import type { RefusalCode } from '../../core/context/replica.ts';

/**
 * Why an op was refused, as a short label for lists and counts of others' ops (the sync
 * panel, the dashboard): plain words shown, the code kept as the tooltip. Covers the rules'
 * refusals (core/governance/rules.ts), concurrent ones (evaluate.ts), intrinsic ones
 * (checkedOp.ts) and the sync-only rejections (context/replica.ts): typed against their union,
 * so a new code without words fails the typecheck.
 */
const REASONS = {
  'not-a-member': 'Not a member',
  'insufficient-role': 'Role does not allow it',
  'last-owner': 'Would leave no owner',
  'revoked-key': 'Device revoked',
  'unknown-key': 'Device not known',
  'key-expired': 'Device delegation expired',
  'unknown-member': 'No such member',
  'not-your-key': 'Not their device',
  'duplicate-genesis': 'A second start',
  'origin-not-allowed': 'Site not allowed',
  'origin-in-use': 'Site still in use',
  'bad-origins': 'Site list does not fit',
  'not-anchored': 'Not anchored on chain',
  'invite-not-authorized': 'Invite not by an admin',
  'invite-expired': 'Invite expired',
  'invite-exhausted': 'Invite used up',
  'invite-revoked': 'Invite revoked',
  'same-app': 'Same app already',
  'relay-cannot-write': 'A relay cannot write',
  'relay-cannot-govern': 'A relay cannot govern',
  'must-encrypt': 'Not encrypted',
  'wrong-epoch': 'Wrong encryption key',
  'unknown-epoch': 'Unknown encryption key',
  'removed-concurrently': 'Removed meanwhile',
  'demoted-concurrently': 'Role lowered meanwhile',
  'key-revoked-concurrently': 'Device revoked meanwhile',
  'origin-removed-concurrently': 'Site removed meanwhile',
  'wrong-context': 'For another context',
  'bad-signature': 'Bad signature',
  'bad-delegation': 'Bad device delegation',
  'bad-invite': 'Bad invite',
  'bad-revocation': 'Bad revocation',
  malformed: 'Malformed',
  'bad-anchor': 'Bad chain binding',
  'bad-evidence': 'Chain disagrees',
  unverifiable: 'Cannot be checked yet',
  'over-budget': 'Over its storage allowance',
  'not-admitted': 'From a peer not admitted',
  'bad-app': 'App does not match',
  'wrong-recipients': 'Key not sealed to the right devices',
  'box-key-in-use': 'Device key already in use',
  'invite-already-granted': 'Invite already given its key',
  'bad-box-key': 'Unusable device key',
} satisfies Record<RefusalCode, string>;

/** A refusal's code in plain words ("insufficient-role" → "Role does not allow it"). */
export function plainReason(code: string): string {
  // Codes come as strings from stored records and peers: an unknown one still reads as words.
  return Object.hasOwn(REASONS, code) ? REASONS[code as RefusalCode] : 'Refused by the rules';
}

/** A refusal's code as words inside a sentence ("… was refused: role does not allow it."). */
export function reasonClause(code: string): string {
  const words = plainReason(code);
  return words.charAt(0).toLowerCase() + words.slice(1);
}
