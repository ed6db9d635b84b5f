import { describe, expect, test } from 'vitest';
import { DecodeError } from '../codec/index.ts';
import { seedSigner } from '../crypto/index.ts';
import { decodeOp, encodeOp, opId, signOp, verifyOpSignature } from './op.ts';

async function sample() {
  const author = await seedSigner(new Uint8Array(32).fill(4));
  const parents = [new Uint8Array(32).fill(9), new Uint8Array(32).fill(2)];
  return signOp(author, {
    context: new Uint8Array(32).fill(1),
    parents,
    time: 1_700_000_000_000,
    body: { kind: 'delta', writer: 'kv', update: new Uint8Array([1, 2, 3]), call: { method: 'set', input: new Uint8Array([7]) }, events: [{ name: 'changed', hashed: true, payload: new Uint8Array(32) }] },
  });
}

describe('ops', () => {
  test('encode → decode keeps the op and its id; the signature verifies', async () => {
    const op = await sample();
    expect(op.parents.map((p) => p[0])).toEqual([2, 9]);
    const decoded = decodeOp(encodeOp(op));
    expect(decoded).toEqual(op);
    const { id: _id, signature: _sig, ...unsigned } = decoded;
    expect(opId(unsigned)).toEqual(op.id);
    expect(await verifyOpSignature(decoded)).toBe(true);
  });

  test('a changed byte changes the id, and the signature no longer covers it', async () => {
    const bytes = encodeOp(await sample());
    const tampered = bytes.slice();
    tampered[tampered.length - 70]! ^= 1; // inside the body
    const op = decodeOp(tampered);
    expect(op.id).not.toEqual(decodeOp(bytes).id);
    expect(await verifyOpSignature(op)).toBe(false);
  });

  test('unsorted or repeated parents are not canonical', async () => {
    const bytes = encodeOp(await sample());
    // parents start after tag, version and the 32-byte context: count byte, then ids
    const swapped = bytes.slice();
    swapped.set(bytes.subarray(35 + 32, 35 + 64), 35);
    swapped.set(bytes.subarray(35, 35 + 32), 35 + 32);
    expect(() => decodeOp(swapped)).toThrow(DecodeError);
    const repeated = bytes.slice();
    repeated.set(bytes.subarray(35, 35 + 32), 35 + 32);
    expect(() => decodeOp(repeated)).toThrow(/sorted and unique/);
  });
});
