import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { emptyGovState } from '../governance/state.ts';
import type { RootId } from '../identity/index.ts';
import { ROLES, type Role } from '../ops/roles.ts';
import { memberSetRoot } from './memberSetRoot.ts';

const rootArb = fc.oneof(
  fc.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{43,44}$/).map((k) => `tabnode:local:${k}`),
  fc.stringMatching(/^[0-9a-f]{40}$/).map((a) => `eip155:1:0x${a}`),
  fc.stringMatching(/^[0-9a-f]{1,64}$/).map((a) => `starknet:SN_MAIN:0x${a}`),
) as fc.Arbitrary<RootId>;
const membersArb = fc.uniqueArray(fc.tuple(rootArb, fc.constantFrom(...ROLES)), { selector: ([r]) => r, minLength: 1, maxLength: 12 });

function gov(members: [RootId, Role][]) {
  const s = emptyGovState();
  for (const [r, role] of members) s.members.set(r, { role });
  return s;
}

describe('memberSetRoot', () => {
  test('is a 0x word, fixed for the empty set', () => {
    const empty = memberSetRoot(emptyGovState());
    expect(empty).toMatch(/^0x[0-9a-f]{64}$/);
    expect(memberSetRoot(emptyGovState())).toBe(empty);
  });

  test('the same set gives the same root in any insertion order', () => {
    fc.assert(
      fc.property(membersArb, fc.nat(), (members, seed) => {
        const shuffled = [...members].sort((a, b) => ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7) || (seed % 2 ? 1 : -1));
        expect(memberSetRoot(gov(shuffled))).toBe(memberSetRoot(gov(members)));
        expect(memberSetRoot(gov([...members].reverse()))).toBe(memberSetRoot(gov(members)));
      }),
    );
  });

  test('changes when a role changes, a member leaves or one joins', () => {
    fc.assert(
      fc.property(membersArb, fc.nat(), rootArb, (members, pick, extra) => {
        const root = memberSetRoot(gov(members));
        const i = pick % members.length;
        const [who, role] = members[i]!;
        const other = ROLES.find((r) => r !== role)!;
        expect(memberSetRoot(gov(members.map((m, j) => (j === i ? [who, other] : m))))).not.toBe(root);
        expect(memberSetRoot(gov(members.filter((_, j) => j !== i)))).not.toBe(root);
        if (!members.some(([r]) => r === extra)) expect(memberSetRoot(gov([...members, [extra, 'reader']]))).not.toBe(root);
      }),
    );
  });
});
