import type { Role } from '../../core/ops/roles.ts';

/** How a role is offered in the invite dialog and the role menus: the relay says what it is. */
export function roleOption(role: Role): string {
  return role === 'relay' ? 'Relay (always-on copy, cannot read)' : role;
}

/**
 * What a role lets a member do, one phrase each: it ends "As a reader, they can only …" when
 * a role is lowered, and is the tooltip ("Can …") beside a role's name.
 */
export const ROLE_LIMITS: Record<Role, string> = {
  owner: 'do everything, including changing owners and the allowed sites',
  admin: 'invite, change the roles of writers and readers, remove them and change the app',
  writer: 'write shared state',
  reader: 'sync and read',
  relay: 'keep an always-on copy and forward every op, but not write, nor read once bodies are encrypted',
};

/** A role's tooltip: "Can sync and read". */
export const roleHint = (role: Role): string => `Can ${ROLE_LIMITS[role]}`;
