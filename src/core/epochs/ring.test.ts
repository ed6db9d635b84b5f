import fc from 'fast-check';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { AeadError, openBody, sealBody, toHex } from '../crypto/index.ts';
import { DecodeError } from '../codec/index.ts';
import { epochKeyAt, newerKey } from './keyAt.ts';
import { createEpochKeyRing, EpochKeyError, RING_LIMITS, type KeyCommitOf } from './ring.ts';
import { deltaAad, epochKeyCommit, loadBodyCipher, openDeltaBody, sealDeltaBody, sealPrevious } from './seal.ts';
import { testBytes } from './testkit.ts';

const ctx = testBytes(100);
/** Key ops here and valid, with the key each committed to. */
const committing = (commits: Map<string, Uint8Array>): KeyCommitOf => (keyOp) => {
  const key = commits.get(keyOp);
  return key && epochKeyCommit(key);
};
const anyKey: KeyCommitOf = () => epochKeyCommit(testBytes(2));

test('a ring refuses keys until the body cipher is loaded (it must open what comes under them at once)', async () => {
  vi.resetModules();
  const fresh = { ring: await import('./ring.ts'), seal: await import('./seal.ts') };
  expect(() => fresh.ring.createEpochKeyRing(ctx, anyKey).learn(toHex(testBytes(1)), testBytes(2))).toThrow(/not loaded/);
  await fresh.seal.loadBodyCipher();
  expect(fresh.ring.createEpochKeyRing(ctx, anyKey).learn(toHex(testBytes(1)), testBytes(2))).toHaveLength(1);
});

beforeAll(loadBodyCipher);
const op = (n: number) => toHex(testBytes(200 + n));

describe('the epoch key ring', () => {
  test('learning the newest key opens the whole previous chain, in whatever order rotations arrive', () => {
    const keys = [testBytes(1), testBytes(2), testBytes(3)];
    const prev1 = sealPrevious(keys[1]!, testBytes(11, 24), ctx, [{ keyOp: testBytes(200), key: keys[0]! }]);
    const prev2 = sealPrevious(keys[2]!, testBytes(12, 24), ctx, [{ keyOp: testBytes(201), key: keys[1]! }]);
    const ring = createEpochKeyRing(ctx, committing(new Map(keys.map((k, i) => [op(i), k]))));
    expect(ring.notePrevious(op(2), prev2)).toEqual([]);
    expect(ring.learn(op(2), keys[2]!)).toEqual([op(2), op(1)]);
    expect(ring.notePrevious(op(1), prev1)).toEqual([op(0)]);
    expect(ring.get(op(0))).toEqual(keys[0]);
  });

  test('a key is held only if it matches its op\'s commitment; a rotation whose previous does not open is listed as broken', () => {
    const ring = createEpochKeyRing(ctx, committing(new Map([[op(0), testBytes(1)]])));
    expect(ring.learn(op(0), testBytes(9))).toEqual([]);
    expect(ring.has(op(0))).toBe(false);
    ring.learn(op(0), testBytes(1));
    expect(ring.learn(op(0), testBytes(2))).toEqual([]);
    expect(ring.get(op(0))).toEqual(testBytes(1));
    ring.notePrevious(op(0), { nonce: testBytes(3, 24), sealed: new Uint8Array(40) });
    expect(ring.broken()).toEqual([op(0)]);
    expect(() => ring.learn('zz', testBytes(1))).toThrow(EpochKeyError);
    expect(() => ring.learn(op(1), new Uint8Array(16))).toThrow(/32 bytes/);
  });
});

describe('keys are checked against their key op\'s commitment (review C3)', () => {
  test('a wrong key offered first does not shut the right one out, and is never held', () => {
    const ring = createEpochKeyRing(ctx, committing(new Map([[op(0), testBytes(1)]])));
    expect(ring.learn(op(0), testBytes(666))).toEqual([]);
    expect(ring.get(op(0))).toBeUndefined();
    expect(ring.entries()).toEqual([]);
    expect(ring.learn(op(0), testBytes(1))).toEqual([op(0)]);
    expect(ring.get(op(0))).toEqual(testBytes(1));
    expect(ring.refused()).toBe(1);
  });

  test('a chain carrying a wrong key for an op is dropped; the right key still comes from elsewhere', () => {
    const keys = [testBytes(1), testBytes(2)];
    const ring = createEpochKeyRing(ctx, committing(new Map(keys.map((k, i) => [op(i), k]))));
    ring.notePrevious(op(1), sealPrevious(keys[1]!, testBytes(11, 24), ctx, [{ keyOp: testBytes(200), key: testBytes(31337) }]));
    expect(ring.learn(op(1), keys[1]!)).toEqual([op(1)]);
    expect(ring.has(op(0))).toBe(false);
    expect(ring.reachable(op(1)).has(op(0))).toBe(false);
    expect(ring.learn(op(0), keys[0]!)).toEqual([op(0)]);
  });

  test('a key for an op not here and valid yet waits, unheld, and is checked once the op is', () => {
    const commits = new Map<string, Uint8Array>();
    const ring = createEpochKeyRing(ctx, committing(commits));
    expect(ring.learn(op(0), testBytes(666))).toEqual([]);
    expect(ring.learn(op(0), testBytes(1))).toEqual([]);
    expect(ring.has(op(0))).toBe(false);
    expect(ring.entries()).toEqual([]);
    commits.set(op(0), testBytes(1));
    expect(ring.committed(op(0))).toEqual([op(0)]);
    expect(ring.get(op(0))).toEqual(testBytes(1));
    expect(ring.committed(op(0))).toEqual([]);
  });

  test('keys waiting for their op are bounded, per op and in all', () => {
    const commits = new Map<string, Uint8Array>();
    const ring = createEpochKeyRing(ctx, committing(commits));
    for (let i = 0; i < RING_LIMITS.pendingPerOp; i++) ring.learn(op(0), testBytes(1000 + i));
    ring.learn(op(0), testBytes(1));
    commits.set(op(0), testBytes(1));
    expect(ring.committed(op(0))).toEqual([]);
    expect(ring.refused()).toBe(RING_LIMITS.pendingPerOp);
    const later = createEpochKeyRing(ctx, committing(commits));
    for (let i = 0; i < RING_LIMITS.pendingKeys + 1; i++) later.learn(toHex(testBytes(50_000 + i)), testBytes(1));
    const last = toHex(testBytes(50_000 + RING_LIMITS.pendingKeys));
    commits.set(last, testBytes(1));
    expect(later.committed(last)).toEqual([]);
    const first = toHex(testBytes(50_000));
    commits.set(first, testBytes(1));
    expect(later.committed(first)).toEqual([first]);
  });

  test('reachable: the key ops a chain carried with their right keys, transitively', () => {
    const keys = [testBytes(1), testBytes(2), testBytes(3)];
    const ring = createEpochKeyRing(ctx, committing(new Map(keys.map((k, i) => [op(i), k]))));
    ring.notePrevious(op(1), sealPrevious(keys[1]!, testBytes(11, 24), ctx, [{ keyOp: testBytes(200), key: keys[0]! }]));
    ring.notePrevious(op(2), sealPrevious(keys[2]!, testBytes(12, 24), ctx, [{ keyOp: testBytes(201), key: keys[1]! }]));
    ring.learn(op(2), keys[2]!);
    expect([...ring.reachable(op(2))].sort()).toEqual([op(0), op(1)].sort());
    expect([...ring.reachable(op(1))]).toEqual([op(0)]);
  });
});

describe('sealed bodies', () => {
  test('a delta body opens only under its key, context and key op', () => {
    const key = testBytes(1);
    const keyOp = testBytes(2);
    const body = { writer: 'kv', update: new Uint8Array([1, 2, 3]), events: [] };
    const sealed = { keyOp, nonce: testBytes(3, 24), sealed: sealDeltaBody(key, testBytes(3, 24), ctx, keyOp, body) };
    expect(openDeltaBody(key, ctx, sealed)).toMatchObject(body);
    expect(() => openDeltaBody(testBytes(9), ctx, sealed)).toThrow(AeadError);
    expect(() => openDeltaBody(key, testBytes(8), sealed)).toThrow(AeadError);
    expect(() => openDeltaBody(key, ctx, { ...sealed, keyOp: testBytes(7) })).toThrow(AeadError);
    expect(openBody(key, sealed.nonce, sealed.sealed, deltaAad(ctx, keyOp)).length).toBeGreaterThan(3);
  });

  test('a body that opens but is not a delta body is a DecodeError', () => {
    const key = testBytes(1);
    const keyOp = testBytes(2);
    const nonce = testBytes(3, 24);
    const junk = sealPrevious(key, nonce, ctx, []).sealed; // opens only with the previous label
    expect(() => openDeltaBody(key, ctx, { keyOp, nonce, sealed: junk })).toThrow(AeadError);
    // A body sealed under the right aad whose plaintext is garbage:
    expect(() => openDeltaBody(key, ctx, { keyOp, nonce, sealed: sealBody(key, nonce, new Uint8Array([0xff]), deltaAad(ctx, keyOp)) })).toThrow(DecodeError);
  });
});

describe('the epoch key at a point', () => {
  test('highest epoch, then highest op id, whatever the order', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ op: fc.stringMatching(/^[0-9a-f]{64}$/), epoch: fc.nat(5) }), { minLength: 1, maxLength: 8 }), (refs) => {
        const winner = epochKeyAt(refs)!;
        expect(epochKeyAt([...refs].reverse())).toEqual(winner);
        for (const r of refs) expect(newerKey(r, winner)).toEqual(winner);
      }),
    );
    expect(epochKeyAt([])).toBeUndefined();
  });
});
