import { describe, expect, test } from 'vitest';
import { toHex } from '../crypto/index.ts';
import type { RootId } from '../identity/index.ts';
import { clampUtf8 } from '../codec/index.ts';
import { contextsFor, type Holding } from './answer.ts';
import { DIRECTORY_LIMITS } from './messages.ts';
import { directoryRoom, directoryRoots } from './room.ts';

const R = 'tabnode:local:4vJ9JU1bJJE96FWSJKvHsmmFADCg4gpZQff4P3bkLKi' as RootId;
const S = 'eip155:1:0x52908400098527886E0F7030069857D2E4169EE7' as RootId;
const T = 'starknet:SN_MAIN:0x1234' as RootId;
const key = new Uint8Array(32).fill(9);
const otherKey = new Uint8Array(32).fill(10);

const holding = (n: number, members: RootId[], over: Partial<Holding> = {}): Holding => ({
  id: toHex(new Uint8Array(32).fill(n)),
  name: `context ${n}`,
  secret: new Uint8Array(32).fill(n),
  signaling: ['wss://a.example/signal'],
  members,
  revokedKeys: new Set(),
  activeAt: n,
  ...over,
});

describe('contextsFor', () => {
  test('lists the contexts where the root is a member, with what a device needs to rejoin', () => {
    const entries = contextsFor(R, key, [holding(1, [R, S]), holding(2, [S]), holding(3, [R])]);
    expect(entries.map((e) => e.name)).toEqual(['context 1', 'context 3']);
    expect(entries[0]).toEqual({ context: new Uint8Array(32).fill(1), name: 'context 1', secret: new Uint8Array(32).fill(1), signaling: ['wss://a.example/signal'] });
  });

  test('a root that is a member of nothing gets nothing', () => {
    expect(contextsFor(T, key, [holding(1, [R, S]), holding(2, [S])])).toEqual([]);
  });

  test('a revoked key gets nothing from that context; another key of the root still does', () => {
    const revoked = holding(1, [R], { revokedKeys: new Set([toHex(key)]) });
    expect(contextsFor(R, key, [revoked])).toEqual([]);
    expect(contextsFor(R, otherKey, [revoked])).toHaveLength(1);
  });

  test('a key revoked in one context learns nothing of the others either', () => {
    const revokedInOne = holding(1, [R], { revokedKeys: new Set([toHex(key)]) });
    expect(contextsFor(R, key, [revokedInOne, holding(2, [R])])).toEqual([]);
    expect(contextsFor(R, otherKey, [revokedInOne, holding(2, [R])])).toHaveLength(2);
  });

  test('a key delegated on a site the context does not allow learns nothing of it; a local root key names no site', () => {
    const app = holding(1, [S], { origins: new Set(['https://tabnode.example']) });
    expect(contextsFor(S, key, [app, holding(2, [S])], 'https://evil.example').map((e) => e.name)).toEqual(['context 2']);
    expect(contextsFor(S, key, [app], 'https://tabnode.example')).toHaveLength(1);
    expect(contextsFor(R, key, [holding(3, [R], { origins: new Set() })])).toHaveLength(1);
  });

  test('a context still being fetched (no members known) is never listed', () => {
    expect(contextsFor(R, key, [holding(1, [])])).toEqual([]);
  });

  test('at most entriesPerAnswer, the most recently active ones, in a stable order', () => {
    const idOf = (i: number) => toHex(Uint8Array.from({ length: 32 }, (_, j) => (j === 0 ? i >> 8 : j === 1 ? i & 0xff : 0)));
    const many = Array.from({ length: DIRECTORY_LIMITS.entriesPerAnswer + 10 }, (_, i) => holding(1, [R], { id: idOf(i), activeAt: i }));
    const entries = contextsFor(R, key, many);
    expect(entries).toHaveLength(DIRECTORY_LIMITS.entriesPerAnswer);
    const ids = entries.map((e) => toHex(e.context));
    expect(ids).toContain(idOf(DIRECTORY_LIMITS.entriesPerAnswer + 9));
    expect(ids).not.toContain(idOf(0));
    expect(ids).toEqual([...ids].sort());
    expect(contextsFor(R, key, [...many].reverse())).toEqual(entries);
  });

  test('names are cut to the bound on a character boundary; URLs over the bound are left out', () => {
    const name = 'é'.repeat(80); // 160 bytes of UTF-8
    const long = `wss://x.example/${'p'.repeat(DIRECTORY_LIMITS.urlBytes)}`;
    const [e] = contextsFor(R, key, [holding(1, [R], { name, signaling: [long, 'wss://ok/', 'wss://ok/'] })]);
    expect(e!.name).toBe('é'.repeat(50));
    expect(e!.signaling).toEqual(['wss://ok/']);
    expect(clampUtf8('a\u{1F600}b', 4)).toBe('a');
  });
});

describe('directory rooms', () => {
  test('room name and password derive from the root alone, distinct per root', () => {
    const a = directoryRoom(R);
    expect(directoryRoom(R)).toEqual(a);
    expect(a.room).toMatch(/^tabnode-dir-[1-9A-HJ-NP-Za-km-z]+$/);
    expect(a.room).not.toContain(R);
    expect(directoryRoom(S).room).not.toBe(a.room);
    expect(directoryRoom(S).password).not.toBe(a.password);
  });

  test('own root first, then members of the most recently active contexts, bounded', () => {
    const hs = [holding(1, [T]), holding(2, [S, R])];
    expect(directoryRoots(R, hs)).toEqual([R, S, T]);
    expect(directoryRoots(R, [])).toEqual([R]);
    expect(directoryRoots(undefined, hs)).toEqual([S, R, T]); // members of one context in a fixed order
    expect(directoryRoots(R, hs, 2)).toEqual([R, S]);
    const crowd = Array.from({ length: 100 }, (_, i) => `tabnode:local:${'1'.repeat(10)}${i}` as RootId);
    expect(directoryRoots(R, [holding(1, crowd)])).toHaveLength(DIRECTORY_LIMITS.rooms);
  });
});
