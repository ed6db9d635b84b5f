/** What a member may do in a context, strongest first. */
export const ROLES = ['owner', 'admin', 'writer', 'reader'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { owner: 3, admin: 2, writer: 1, reader: 0 };

export function roleRank(role: Role): number {
  return RANK[role];
}

/** Whether `role` is at least `needed`. */
export function atLeast(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[needed];
}
