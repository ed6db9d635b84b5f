import { originRefusal } from '../identity/index.ts';
import { atLeast, roleRank, type Role } from '../ops/roles.ts';
import type { GovState } from './state.ts';

/**
 * Why the key `inviterKey` (hex) may not, in state `s`, make an invite to `role`, or undefined
 * if it may: a registered, unrevoked key of an admin or owner holding at least that role,
 * delegated from a site still allowed. One rule for a join's invite, an invite's grant, and
 * whether a granted invite is still entitled to epoch keys (its inviter removed, gone or
 * demoted: the link it made, whose private half it holds, reads no more).
 */
export function inviterRefusal(s: Readonly<GovState>, inviterKey: string, role: Role): string | undefined {
  const inviter = s.keys.get(inviterKey);
  const inviterRole = inviter && s.members.get(inviter.root)?.role;
  if (!inviter || s.revokedKeys.has(inviterKey) || !atLeast(inviterRole, 'admin')) return 'the invite was not made by a current admin or owner';
  if (roleRank(role) > roleRank(inviterRole!)) return 'the invite grants more than its inviter holds';
  const foreign = originRefusal(inviter.origin, s.origins);
  return foreign && `the inviter's key was ${foreign}`;
}
