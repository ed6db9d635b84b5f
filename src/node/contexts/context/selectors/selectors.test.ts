import { describe, expect, test } from 'vitest';
import type { CheckedOp } from '../../../../core/governance/checkedOp.ts';
import type { OpVerdict } from '../../../../core/governance/evaluate.ts';
import { emptyGovState, type GovState } from '../../../../core/governance/state.ts';
import type { RootId } from '../../../../core/identity/index.ts';
import type { PeerInfo } from '../../../../core/sync/contextSync.ts';
import type { EventView, VerificationView } from '../../view.ts';
import { selectAudit } from './audit.ts';
import { MAX_EVENTS, selectEvents } from './events.ts';
import { MAX_INVALID_OPS, selectInvalidOps } from './invalidOps.ts';
import { selectLastSeen } from './lastSeen.ts';
import type { History } from './types.ts';
import { selectJoinProblem, selectMembers } from './view.ts';
import { selectDeparture } from './departure.ts';

/** Plain inputs: a governance with two members (Ann with two keys, one revoked; Bob with one). */
const ann = 'did:key:ann' as RootId;
const bob = 'did:key:bob' as RootId;
function governance(): GovState {
  const g = emptyGovState();
  g.members.set(ann, { role: 'owner' });
  g.members.set(bob, { role: 'writer' });
  g.keys.set('aa01', { root: ann, label: 'laptop', issuedAt: 0, expiresAt: 1e15 });
  g.keys.set('aa02', { root: ann, label: 'phone', issuedAt: 0, expiresAt: 1e15, origin: 'https://tabnode.example' });
  g.keys.set('bb01', { root: bob, label: 'desktop', issuedAt: 0, expiresAt: 1e15 });
  g.revokedKeys.add('aa02');
  return g;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
function delta(key: string, author: string, time: number, extra: { events?: { name: string; payload: Uint8Array; hashed: boolean }[]; call?: string } = {}): CheckedOp {
  const body = { kind: 'delta', writer: 'kv', update: new Uint8Array(), call: extra.call ? { method: extra.call, input: new Uint8Array() } : undefined, events: extra.events ?? [] };
  return { key, author, bytes: new Uint8Array(), op: { time, body } } as unknown as CheckedOp;
}
function op(key: string, author: string, time: number, kind: string): CheckedOp {
  return { key, author, bytes: new Uint8Array(), op: { time, body: { kind } } } as unknown as CheckedOp;
}
function history(ops: CheckedOp[], verdicts: Record<string, OpVerdict>): History {
  return { ops, verdict: (key) => verdicts[key] };
}
const valid: OpVerdict = { valid: true };

describe('context selectors (plain inputs, no mesh)', () => {
  test('invalid ops name their author by device and root (else the key prefix), with the reason; the newest are kept', () => {
    const ops = [op('k1', 'aa01', 1, 'set-role'), delta('k2', 'ffffffffffffffffffff', 2), delta('k3', 'bb01', 3)];
    const out = selectInvalidOps(governance(), history(ops, { k1: { valid: false, reason: 'insufficient-role', message: 'no' }, k2: { valid: false, reason: 'unknown-key', message: 'who' }, k3: valid }));
    expect(out).toEqual([
      { key: 'k1', kind: 'set-role', author: `laptop (${ann})`, authorName: 'laptop', authorRoot: ann, reason: 'insufficient-role', message: 'no', time: 1 },
      { key: 'k2', kind: 'delta', author: 'ffffffffffff', reason: 'unknown-key', message: 'who', time: 2 },
    ]);
    const many = Array.from({ length: MAX_INVALID_OPS + 5 }, (_, i) => delta(`m${i}`, 'bb01', i));
    const bad = Object.fromEntries(many.map((c) => [c.key, { valid: false, reason: 'insufficient-role', message: 'y' } as OpVerdict]));
    const kept = selectInvalidOps(governance(), history(many, bad));
    expect(kept).toHaveLength(MAX_INVALID_OPS);
    expect(kept[0]!.key).toBe('m5');
  });

  test('the audit lists every op with executor, device, validity, its call and its re-run result', () => {
    const ops = [delta('k1', 'aa01', 1, { call: 'set' }), op('k2', 'cc01', 2, 'leave'), delta('k3', 'bb01', 3)];
    const verifications = new Map<string, VerificationView>([['k1', { opKey: 'k1', method: 'set', executor: ann, result: 'confirmed', message: '' }]]);
    expect(selectAudit(governance(), history(ops, { k1: valid, k2: { valid: false, reason: 'unknown-key', message: '' } }), verifications)).toEqual([
      { key: 'k1', kind: 'delta', executor: ann, device: 'laptop', time: 1, valid: true, call: 'set', verification: 'confirmed' },
      { key: 'k2', kind: 'leave', executor: '(unknown key)', device: 'cc01', time: 2, valid: false, reason: 'unknown-key' },
      { key: 'k3', kind: 'delta', executor: bob, device: 'desktop', time: 3, valid: false },
    ]);
  });

  test("events come from valid ops (hashed ones as their hash), mine keep their local payload, private-only ones follow; bounded", () => {
    const ops = [
      delta('k1', 'bb01', 10, { events: [{ name: 'posted', payload: utf8('{"n":1}'), hashed: false }, { name: 'secret', payload: new Uint8Array([0xab, 0xcd]), hashed: true }] }),
      delta('k2', 'bb01', 11, { events: [{ name: 'ignored', payload: utf8('1'), hashed: false }] }),
      delta('k3', 'aa01', 12, { events: [{ name: 'mine', payload: new Uint8Array([1]), hashed: true }] }),
    ];
    const local: EventView[] = [
      { name: 'mine', payload: '{"whole":true}', hashed: true, executor: ann, opKey: 'k3', at: 99 },
      { name: 'private', payload: '"p"', hashed: false, executor: ann, at: 100 },
    ];
    const out = selectEvents(governance(), history(ops, { k1: valid, k2: { valid: false, reason: 'insufficient-role', message: '' }, k3: valid }), local);
    expect(out.map((e) => [e.name, e.payload, e.executor, e.opKey, e.at])).toEqual([
      ['posted', '{"n":1}', bob, 'k1', 10],
      ['secret', 'sha256:abcd', bob, 'k1', 10],
      ['mine', '{"whole":true}', ann, 'k3', 99],
      ['private', '"p"', ann, undefined, 100],
    ]);
    const many = Array.from({ length: MAX_EVENTS + 3 }, (_, i) => delta(`e${i}`, 'bb01', i, { events: [{ name: 'n', payload: utf8('0'), hashed: false }] }));
    const bounded = selectEvents(governance(), history(many, Object.fromEntries(many.map((c) => [c.key, valid]))), []);
    expect(bounded).toHaveLength(MAX_EVENTS);
    expect(bounded[0]!.opKey).toBe('e3');
  });

  test('members: online when me or a verified peer; devices with revocation and origin', () => {
    const peers = [{ root: bob, state: 'verified' }] as unknown as PeerInfo[];
    expect(selectMembers(governance(), peers, ann)).toEqual([
      { root: ann, role: 'owner', me: true, online: true, devices: [{ key: 'aa01', label: 'laptop', revoked: false }, { key: 'aa02', label: 'phone', revoked: true, origin: 'https://tabnode.example' }] },
      { root: bob, role: 'writer', me: false, online: true, devices: [{ key: 'bb01', label: 'desktop', revoked: false }] },
    ]);
    const unverified = [{ root: bob, state: 'handshaking' }] as unknown as PeerInfo[];
    expect(selectMembers(governance(), unverified, ann)[1]!.online).toBe(false);
  });

  test("join problem: membership's first, then a refusing member, then a clock alert while no history arrived", () => {
    const base = { membershipProblem: undefined, joining: true, peers: [] as PeerInfo[], alerts: [], historySize: 0 };
    expect(selectJoinProblem(base)).toBeUndefined();
    expect(selectJoinProblem({ ...base, membershipProblem: 'the invite expired' })).toBe('the invite expired');
    const refusing = [{ refusedBy: 'the invite was revoked' }] as unknown as PeerInfo[];
    expect(selectJoinProblem({ ...base, peers: refusing })).toBe('a member refused to share the history: the invite was revoked');
    const clock = [{ at: 1, kind: 'clock' as const, message: 'your clock is 10 minutes ahead' }];
    expect(selectJoinProblem({ ...base, alerts: clock })).toBe('your clock is 10 minutes ahead');
    expect(selectJoinProblem({ ...base, alerts: clock, historySize: 3 })).toBeUndefined();
    expect(selectJoinProblem({ ...base, joining: false, peers: refusing, alerts: clock })).toBeUndefined();
  });
});

describe('last seen per key', () => {
  test('the newest op each key signed, or now while it is a verified peer', () => {
    const ops = [op('k1', 'aa01', 100, 'join'), op('k2', 'aa01', 300, 'delta'), op('k3', 'bb01', 200, 'delta'), op('k4', 'aa01', 250, 'delta')];
    const peers = [
      { key: 'bb01', state: 'verified' },
      { key: 'aa02', state: 'handshaking' },
    ] as unknown as PeerInfo[];
    expect(Object.fromEntries(selectLastSeen({ ops }, peers, 1_000))).toEqual({ aa01: 300, bb01: 1_000 });
  });
});

describe('departure (why a former member can no longer write)', () => {
  const carol = 'did:key:carol' as RootId;
  const removal = (key: string, author: string, member: RootId, time: number) =>
    ({ key, author, bytes: new Uint8Array(), op: { time, body: { kind: 'remove', member } } }) as unknown as CheckedOp;

  test('a removed member learns who removed it, by device label; a refused removal does not count', () => {
    const g = governance();
    const ops = [removal('r1', 'bb01', carol, 5), removal('r2', 'aa01', carol, 7)];
    expect(selectDeparture(g, history(ops, { r1: { valid: false, reason: 'insufficient-role', message: '' }, r2: valid }), carol)).toEqual({ how: 'removed', by: 'laptop', byRoot: ann, at: 7 });
  });

  test('one who left is told so; members and strangers get nothing', () => {
    const g = governance();
    g.keys.set('cc01', { root: carol, label: 'tablet', issuedAt: 0, expiresAt: 1e15 });
    expect(selectDeparture(g, history([op('l1', 'cc01', 4, 'leave')], { l1: valid }), carol)).toEqual({ how: 'left', at: 4 });
    expect(selectDeparture(g, history([removal('r1', 'aa01', bob, 5)], { r1: valid }), bob)).toBeUndefined();
    expect(selectDeparture(g, history([], {}), 'did:key:nobody' as RootId)).toBeUndefined();
  });
});
