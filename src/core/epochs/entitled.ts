import type { GovState } from '../governance/state.ts';
import type { Role } from '../ops/roles.ts';

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
  const holders = s.epochKeys.get(keyOp)?.holders;
  const key = [...s.keys.values()].find((k) => k.boxKey === boxKey);
  if (!holders || !key) return false;
  return (s.joinedWith.get(key.root) ?? []).some((id) => {
    const invite = s.grantedInvites.get(id);
    return invite !== undefined && holders.has(invite.boxKey);
  });
}

/** Whether a granted invite may still bring someone in: unrevoked, unexpired at `now`, not used up. */
export function inviteOpen(s: Readonly<GovState>, id: string, now: number): boolean {
  const invite = s.grantedInvites.get(id);
  if (!invite || s.revokedInvites.has(id) || now >= invite.expiresAt) return false;
  return (s.inviteUses.get(id) ?? 0) < invite.maxUses;
}
