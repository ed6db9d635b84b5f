import { describe, expect, test } from 'vitest';
import { emptyGovState, type GovState } from '../governance/state.ts';
import type { RootId } from '../identity/index.ts';
import { planRepair } from './repair.ts';

const A = 'local:a' as RootId;
const B = 'local:b' as RootId;
const hex = (n: number) => n.toString(16).padStart(64, '0');

/** Members A (owner) and B, each one key with a box key; epoch key K held by `holders`. */
function state(holders: string[]): GovState {
  const s = emptyGovState();
  s.members.set(A, { role: 'owner' });
  s.members.set(B, { role: 'writer' });
  s.keys.set(hex(1), { root: A, label: 'a', issuedAt: 0, expiresAt: 1e15, boxKey: 'box-a' });
  s.keys.set(hex(2), { root: B, label: 'b', issuedAt: 0, expiresAt: 1e15, boxKey: 'box-b' });
  s.epochKey = { op: hex(9), epoch: 1 };
  s.epochKeys.set(hex(9), { epoch: 1, reached: { to: new Set(holders) } });
  return s;
}

describe('planRepair', () => {
  test('nothing to do when exactly the entitled devices hold the key; a plaintext context never repairs', () => {
    expect(planRepair(state(['box-a', 'box-b']), 0)).toEqual({ kind: 'none' });
    expect(planRepair(emptyGovState(), 0)).toEqual({ kind: 'none' });
  });

  test('a device lacking the key gets a grant', () => {
    expect(planRepair(state(['box-a']), 0)).toEqual({ kind: 'grant', keyOp: hex(9), recipients: ['box-b'] });
  });

  test('a removed member, a revoked key, a relay, or a box key nobody registered holding the key: rotate to the entitled', () => {
    const removed = state(['box-a', 'box-b']);
    removed.members.delete(B);
    expect(planRepair(removed, 0)).toEqual({ kind: 'rotate', keyOp: hex(9), epoch: 1, stale: ['box-b'], recipients: ['box-a'] });
    const revoked = state(['box-a', 'box-b']);
    revoked.revokedKeys.add(hex(2));
    expect(planRepair(revoked, 0)).toMatchObject({ kind: 'rotate', stale: ['box-b'] });
    const relay = state(['box-a', 'box-b']);
    relay.members.set(B, { role: 'relay' as never });
    expect(planRepair(relay, 0)).toMatchObject({ kind: 'rotate', stale: ['box-b'] });
    expect(planRepair(state(['box-a', 'box-b', 'box-x']), 0)).toMatchObject({ kind: 'rotate', stale: ['box-x'] });
  });

  test('an open invite is entitled; expired or used up it is left out without a rotation; revoked it is rotated away from', () => {
    const s = state(['box-a', 'box-b', 'box-i']);
    s.grantedInvites.set(hex(5), { boxKey: 'box-i', expiresAt: 1000, maxUses: 1, inviterKey: hex(1), role: 'writer' });
    expect(planRepair(s, 0)).toEqual({ kind: 'none' });
    const lacking = state(['box-a', 'box-b']);
    lacking.grantedInvites.set(hex(5), { boxKey: 'box-i', expiresAt: 1000, maxUses: 1, inviterKey: hex(1), role: 'writer' });
    expect(planRepair(lacking, 0)).toEqual({ kind: 'grant', keyOp: hex(9), recipients: ['box-i'] });
    expect(planRepair(s, 1000)).toEqual({ kind: 'none' });
    s.inviteUses.set(hex(5), 1);
    expect(planRepair(s, 0)).toEqual({ kind: 'none' });
    s.revokedInvites.add(hex(5));
    expect(planRepair(s, 0)).toMatchObject({ kind: 'rotate', stale: ['box-i'], recipients: ['box-a', 'box-b'] });
  });
});
