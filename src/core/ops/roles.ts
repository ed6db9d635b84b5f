/**
 * What a member may do in a context, strongest first. Appended, never reordered: a role
 * travels as its index here (invites, set-role, member roots).
 */
export const ROLES = ['owner', 'admin', 'writer', 'reader', 'relay'] as const;
export type Role = (typeof ROLES)[number];

/** A relay stores and forwards every op and reads nothing, so it ranks below a reader. */
const RANK: Record<Role, number> = { owner: 4, admin: 3, writer: 2, reader: 1, relay: 0 };

export function roleRank(role: Role): number {
  return RANK[role];
}

/** Whether `role` is at least `needed`. */
export function atLeast(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[needed];
}
