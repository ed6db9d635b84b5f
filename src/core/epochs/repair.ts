import type { GovState } from '../governance/state.ts';
import { entitledBoxKeys, inviteLive, inviteOpen } from './entitled.ts';
import { holdersOf } from './recipients.ts';

/**
 * What a member node should post so the current epoch key is held by exactly who should
 * hold it (docs/decisions/epoch-keys.md, "Recipients are repaired"):
 * - `rotate`: the current key reached a box key that must not hold it — a device of a member
 *   removed or gone, a revoked client key's device (unless another live key of the member
 *   carries the same box key), a relay, a revoked invite or one whose inviter lost the power
 *   to make it, or a box key nothing registered.
 *   A new key goes to `recipients` (every entitled box key).
 * - `grant`: entitled box keys that no box of the current key reached.
 * An invite that expired or was used up is no reason to rotate (its link could join anyway):
 * the next rotation leaves it out.
 */
export type Repair =
  | { kind: 'none' }
  | { kind: 'rotate'; keyOp: string; epoch: number; stale: string[]; recipients: string[] }
  | { kind: 'grant'; keyOp: string; recipients: string[] };

export function planRepair(s: Readonly<GovState>, now: number): Repair {
  const current = s.epochKey;
  if (!current) return { kind: 'none' };
  const holders = holdersOf(s.epochKeys.get(current.op)?.reached);
  const entitled = entitledBoxKeys(s, now);
  const stale = [...holders].filter((boxKey) => !entitled.has(boxKey) && !leftOutOnly(s, boxKey, now));
  if (stale.length) return { kind: 'rotate', keyOp: current.op, epoch: current.epoch, stale: stale.sort(), recipients: [...entitled].sort() };
  const missing = [...entitled].filter((boxKey) => !holders.has(boxKey));
  return missing.length ? { kind: 'grant', keyOp: current.op, recipients: missing.sort() } : { kind: 'none' };
}

/**
 * An invite's box key whose invite merely expired or was used up: left out, not rotated away
 * from. A revoked invite, or one whose inviter was removed, left or was demoted (it holds the
 * link's private half), is rotated away from.
 */
function leftOutOnly(s: Readonly<GovState>, boxKey: string, now: number): boolean {
  for (const [id, invite] of s.grantedInvites) {
    if (invite.boxKey === boxKey) return inviteLive(s, id) && !inviteOpen(s, id, now);
  }
  return false;
}
