import type { Role } from '../../core/ops/roles.ts';

/** How a role is offered in the invite dialog and the role menus: the relay says what it is. */
export function roleOption(role: Role): string {
  return role === 'relay' ? 'Relay (always-on copy, cannot read)' : role;
}

/** What a role lets a member do, as a tooltip beside its name. */
export const ROLE_HINTS: Record<Role, string> = {
  owner: 'Does everything, including changing owners and the allowed sites',
  admin: 'Invites, changes roles of writers and readers, removes them, changes the app',
  writer: 'Writes shared state',
  reader: 'Syncs and reads',
  relay: 'An always-on copy: stores and forwards every op so members catch up while nobody else is online; cannot write, and cannot read once bodies are encrypted',
};

/** What a role is left able to do, ending "As a reader, they can only …" when a role is lowered. */
export const ROLE_LIMITS: Record<Role, string> = {
  owner: 'do everything, including changing owners and the allowed sites',
  admin: 'invite, change the roles of writers and readers, remove them and change the app',
  writer: 'write shared state',
  reader: 'sync and read',
  relay: 'keep an always-on copy and forward every op; they cannot write, and cannot read once bodies are encrypted',
};
