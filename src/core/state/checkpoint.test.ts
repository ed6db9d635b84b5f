import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { DecodeError } from '../codec/index.ts';
import { nobleEd25519, seedSigner } from '../crypto/index.ts';
import {
  CHECKPOINT_LIMITS,
  CheckpointError,
  compareCheckpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
  type Checkpoint,
} from './checkpoint.ts';
import { kvWriter } from './kvWriter.ts';
import { createContextState } from './materialize.ts';

const id = (n: number) => new Uint8Array(32).fill(n);
const signer = () => seedSigner(new Uint8Array(32).fill(1), nobleEd25519);

const claims = {
  context: id(7),
  heads: [id(3), id(1), id(2)],
  governanceRoot: id(20),
  stateRoot: id(30),
  opCount: 1234,
  time: 1_700_000_000_000,
  anchor: undefined,
};

describe('checkpoint', () => {
  test('signs, verifies, and round-trips through its canonical bytes', async () => {
    const s = await signer();
    const cp = await signCheckpoint(s, claims);
    expect(cp.author).toEqual(s.publicKey);
    expect(cp.heads).toEqual([id(1), id(2), id(3)]);
    expect(await verifyCheckpoint(cp)).toBe(true);
    const bytes = encodeCheckpoint(cp);
    expect(bytes[0]).toBe(0x40);
    expect(bytes[1]).toBe(1);
    const back = decodeCheckpoint(bytes);
    expect(back).toEqual(cp);
    expect(encodeCheckpoint(back)).toEqual(bytes);
    expect(await verifyCheckpoint(back)).toBe(true);
  });

  test('any tampered field fails verification', async () => {
    const cp = await signCheckpoint(await signer(), claims);
    const other = await seedSigner(new Uint8Array(32).fill(2), nobleEd25519);
    const tampered: Checkpoint[] = [
      { ...cp, context: id(8) },
      { ...cp, heads: [id(1), id(2)] },
      { ...cp, heads: [id(1), id(2), id(4)] },
      { ...cp, governanceRoot: id(21) },
      { ...cp, stateRoot: id(31) },
      { ...cp, opCount: 1235 },
      { ...cp, time: cp.time + 1 },
      { ...cp, author: other.publicKey },
      { ...cp, signature: cp.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) },
    ];
    for (const t of tampered) expect(await verifyCheckpoint(t)).toBe(false);
    // Malformed shapes are refused, never thrown.
    expect(await verifyCheckpoint({ ...cp, heads: [id(2), id(1), id(3)] })).toBe(false);
    expect(await verifyCheckpoint({ ...cp, heads: [id(1), id(1), id(2), id(3)] })).toBe(false);
    expect(await verifyCheckpoint({ ...cp, stateRoot: new Uint8Array(31) })).toBe(false);
    expect(await verifyCheckpoint({ ...cp, signature: new Uint8Array(63) })).toBe(false);
  });

  test('a signature over a checkpoint is not a signature over the same bytes of another kind', async () => {
    const s = await signer();
    const cp = await signCheckpoint(s, claims);
    const { signature: _sig, ...unsigned } = cp;
    // The same key signing the bare claims (no domain tag), as another protocol might.
    const forged = { ...cp, signature: await s.sign(encodeCheckpoint({ ...unsigned, signature: new Uint8Array(64) }).subarray(2, -64)) };
    expect(await verifyCheckpoint(forged)).toBe(false);
  });

  test('bounded and canonical on decode', async () => {
    const cp = await signCheckpoint(await signer(), claims);
    const bytes = encodeCheckpoint(cp);
    // Swap the first two heads: the same set, a second encoding.
    const swapped = bytes.slice();
    const headsAt = 2 + 32 + 1;
    swapped.set(bytes.subarray(headsAt + 32, headsAt + 64), headsAt);
    swapped.set(bytes.subarray(headsAt, headsAt + 32), headsAt + 32);
    expect(() => decodeCheckpoint(swapped)).toThrow(/sorted and unique/);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 1))).toThrow(DecodeError);
    expect(() => decodeCheckpoint(new Uint8Array([...bytes, 0]))).toThrow(/unexpected bytes/);
    const v2 = bytes.slice();
    v2[1] = 2;
    expect(() => decodeCheckpoint(v2)).toThrow(/version 2 is not supported/);
    expect(() => decodeCheckpoint(new Uint8Array(CHECKPOINT_LIMITS.encodedBytes + 1))).toThrow(/over the limit/);
  });

  test('at most 64 heads, with an actionable error', async () => {
    const s = await signer();
    const many = Array.from({ length: 65 }, (_, i) => id(i + 1));
    await expect(signCheckpoint(s, { ...claims, heads: many })).rejects.toThrow(CheckpointError);
    await expect(signCheckpoint(s, { ...claims, heads: many })).rejects.toThrow(/merge them/);
    const cp = await signCheckpoint(s, { ...claims, heads: many.slice(0, 64) });
    expect(decodeCheckpoint(encodeCheckpoint(cp)).heads).toHaveLength(64);
  });
});

describe('compareCheckpoint', () => {
  const local = { heads: [id(1), id(2)], governanceRoot: id(20), stateRoot: id(30) };

  test('agree: same heads (in any order), same roots', () => {
    expect(compareCheckpoint(local, { ...local, heads: [id(2), id(1)] })).toBe('agree');
  });

  test('different heads: not comparable yet', () => {
    expect(compareCheckpoint(local, { ...local, heads: [id(1)] })).toBe('different-heads');
    expect(compareCheckpoint(local, { heads: [id(1), id(3)], governanceRoot: id(99), stateRoot: id(99) })).toBe('different-heads');
  });

  test('diverged: same heads, a different root', () => {
    expect(compareCheckpoint(local, { ...local, stateRoot: id(31) })).toBe('diverged');
    expect(compareCheckpoint(local, { ...local, governanceRoot: id(21) })).toBe('diverged');
  });

  test('end to end: two peers with the same ops agree; a peer whose state differs is caught', async () => {
    const w = new Y.Doc();
    const u = kvWriter.write(w, { method: 'set', args: { key: 'k', value: 1 } }, 5);
    const evil = kvWriter.write(w, { method: 'set', args: { key: 'k', value: 2 } }, 6);
    const a = createContextState();
    const b = createContextState();
    const c = createContextState();
    a.apply('op1', u);
    b.apply('op1', u);
    c.apply('op1', evil); // same op id, different content: a bug or an attack
    const s = await signer();
    const heads = [id(9)];
    const cps = await Promise.all([a, b, c].map((st) => signCheckpoint(s, { ...claims, heads, stateRoot: st.root() })));
    for (const cp of cps) expect(await verifyCheckpoint(cp)).toBe(true);
    const mine = { heads, governanceRoot: claims.governanceRoot, stateRoot: a.root() };
    expect(compareCheckpoint(mine, cps[1]!)).toBe('agree');
    expect(compareCheckpoint(mine, cps[2]!)).toBe('diverged');
  });
});
