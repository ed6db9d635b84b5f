import type { MemberView } from '../../node/index.ts';
import { memberName, shortRoot } from '../contexts/memberNames.ts';

/**
 * Who a root (or, for an unknown author, a device key) is, by name: "you", a member's name,
 * the device's label; a short id only when none is known. (Here, not in memberNames.ts: only
 * the lazily loaded console reads it, so it stays out of the first load.)
 */
export function nameOfRoot(members: readonly MemberView[], id: string): string {
  const member = members.find((m) => m.root === id);
  if (member) return member.me ? 'you' : memberName(member);
  const device = members.flatMap((m) => m.devices).find((d) => d.key === id);
  return device?.label ?? shortRoot(id);
}
