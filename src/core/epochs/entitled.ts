import type { GovState } from '../governance/state.ts';
import type { Role } from '../ops/roles.ts';
import { inviterRefusal } from '../governance/inviter.ts';
import { reachedBoxKey } from './recipients.ts';

/**
 * The role that may post `rotate-epoch` and `grant-epoch` (an invite's grant needs an admin):
 * writers choose the key writes use; a reader writes nothing, so it needs no key op.
 */
export const KEY_OP_ROLE: Role = 'writer';

/** A relay (role `relay`) stores and forwards but never holds an epoch key. */
export function isRelay(role: Role | undefined): boolean {
  return role === 'relay';
}

/**
 * Who should hold the current epoch key (docs/decisions/epoch-keys.md): the box key (hex) of
 * every registered, unrevoked client key of every member except relays, and the box key of
 * every invite a grant reached that is unexpired at `now`, unrevoked and not used up. A device
 * whose client key was rotated keeps its box key, so one entry serves both.
 */
export function entitledBoxKeys(s: Readonly<GovState>, now: number): Set<string> {
  const out = new Set<string>();
  for (const [key, info] of s.keys) {
    if (!info.boxKey || s.revokedKeys.has(key)) continue;
    const member = s.members.get(info.root);
    if (!member || isRelay(member.role)) continue;
    out.add(info.boxKey);
  }
  for (const [id, invite] of s.grantedInvites) if (inviteOpen(s, id, now)) out.add(invite.boxKey);
  return out;
}

/**
 * Whether the device of box key `boxKey` holds the key of `keyOp` through the invite its root
 * joined with (a grant reached the invite's box key): such a joiner grants its own device.
 */
export function holdsThroughInvite(s: Readonly<GovState>, keyOp: string, boxKey: string): boolean {
  const reached = s.epochKeys.get(keyOp)?.reached;
  const root = s.boxKeyOwners.get(boxKey)?.root;
  if (!reached || root === undefined) return false;
  return (s.joinedWith.get(root) ?? []).some((id) => {
    const invite = s.grantedInvites.get(id);
    return invite !== undefined && reachedBoxKey(reached, invite.boxKey);
  });
}

/**
 * Whether a granted invite may still bring someone in: unrevoked, unexpired at `now`, not used
 * up, and its inviter still may make it (a member with the power, its key unrevoked): the
 * link's private half is the inviter's too, so a removed, departed or demoted inviter's links
 * read no more.
 */
export function inviteOpen(s: Readonly<GovState>, id: string, now: number): boolean {
  const invite = s.grantedInvites.get(id);
  if (!invite || !inviteLive(s, id)) return false;
  return now < invite.expiresAt && (s.inviteUses.get(id) ?? 0) < invite.maxUses;
}

/** A granted invite neither revoked nor orphaned (its inviter lost the power to make it): what an expired or used-up one still is. */
export function inviteLive(s: Readonly<GovState>, id: string): boolean {
  const invite = s.grantedInvites.get(id);
  return invite !== undefined && !s.revokedInvites.has(id) && inviterRefusal(s, invite.inviterKey, invite.role) === undefined;
}
