import type { MemberView } from '../../node/index.ts';

/** A root (or a key) cut short for when no name is known: "4wipFs…x9Qe". */
export function shortRoot(root: string): string {
  const address = root.split(':').at(-1) ?? root;
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/**
 * The name people know a member by: its first live device's label, else a short id. Never a
 * revoked device's label: that device no longer acts for them.
 */
export function memberName(m: MemberView): string {
  return m.devices.find((d) => !d.revoked)?.label ?? shortRoot(m.root);
}

/** A root by name among `members`; one not among them (gone, or not synced here yet) cut short. */
export function nameAmong(members: readonly MemberView[], root: string): string {
  const member = members.find((m) => m.root === root);
  return member ? memberName(member) : shortRoot(root);
}
