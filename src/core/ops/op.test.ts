import { describe, expect, test } from 'vitest';
import { DecodeError } from '../codec/index.ts';
import { seedSigner } from '../crypto/index.ts';
import { decodeOp, encodeOp, opId, OP_LIMITS, signOp, verifyOpSignature, type OpBody } from './op.ts';

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

  test("a decoded op's byte fields are views into its own bytes; a view into a larger buffer is copied first", async () => {
    const bytes = encodeOp(await sample());
    const op = decodeOp(bytes);
    // One buffer per op held (heap of a long history), not one per field.
    for (const field of [op.signature, op.author, op.context, ...op.parents]) expect(field.buffer).toBe(bytes.buffer);
    if (op.body.kind !== 'delta') throw new Error('a delta');
    expect(op.body.update.buffer).toBe(bytes.buffer);
    // An op inside a message must not keep the whole message alive.
    const message = new Uint8Array(1 << 16);
    message.set(bytes, 100);
    const inside = decodeOp(message.subarray(100, 100 + bytes.length));
    expect(inside).toEqual(op);
    expect(inside.signature.buffer).not.toBe(message.buffer);
    expect(inside.signature.buffer.byteLength).toBe(bytes.length);
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

describe('epoch ops (docs/decisions/epoch-keys.md)', () => {
  const box = { enc: new Uint8Array(32).fill(3), sealed: new Uint8Array(48).fill(4) };
  const bodies: OpBody[] = [
    { kind: 'rotate-epoch', epoch: 3, keyCommit: new Uint8Array(32).fill(4), boxes: [{ to: new Uint8Array(32).fill(1), box }], previous: { nonce: new Uint8Array(24).fill(8), sealed: new Uint8Array(80) } },
    { kind: 'grant-epoch', keyOp: new Uint8Array(32).fill(6), boxes: [{ to: new Uint8Array(32).fill(2), box }], invite: { claims: { context: new Uint8Array(32).fill(1), contextName: 'c', role: 'reader', expiresAt: 1_800_000_000_000, maxUses: 3, secret: new Uint8Array(32).fill(5), signaling: [], inviterKey: new Uint8Array(32).fill(4), nonce: new Uint8Array(16).fill(5), boxKey: new Uint8Array(32).fill(2) }, signature: new Uint8Array(64).fill(5) } },
    { kind: 'grant-epoch', keyOp: new Uint8Array(32).fill(6), boxes: [] },
    { kind: 'sealed-delta', keyOp: new Uint8Array(32).fill(6), nonce: new Uint8Array(24).fill(1), sealed: new Uint8Array(100).fill(9) },
    { kind: 'add-device', delegation: new Uint8Array(10), boxKey: new Uint8Array(32).fill(7) },
  ];

  test.each(bodies)('$kind round-trips', async (body) => {
    const author = await seedSigner(new Uint8Array(32).fill(4));
    const op = await signOp(author, { context: new Uint8Array(32).fill(1), parents: [new Uint8Array(32).fill(2)], time: 1, body });
    expect(decodeOp(encodeOp(op))).toEqual(op);
  });

  test('new kinds are appended: earlier tags keep their index', async () => {
    const author = await seedSigner(new Uint8Array(32).fill(4));
    const tagOf = async (body: OpBody) => {
      const op = await signOp(author, { context: new Uint8Array(32).fill(1), parents: [new Uint8Array(32).fill(2)], time: 1, body });
      // tag, version, context (32), parent count + one parent (33), author (32), time (1 byte)
      return encodeOp(op)[2 + 32 + 33 + 32 + 1];
    };
    expect(await tagOf({ kind: 'set-app', appId: new Uint8Array(32) })).toBe(11);
    expect(await tagOf(bodies[0]!)).toBe(12);
    expect(await tagOf(bodies[1]!)).toBe(13);
    expect(await tagOf(bodies[3]!)).toBe(14);
  });

  test('boxes are bounded', async () => {
    const author = await seedSigner(new Uint8Array(32).fill(4));
    const tooMany = Array.from({ length: OP_LIMITS.boxes + 1 }, () => ({ to: new Uint8Array(32), box }));
    await expect(signOp(author, { context: new Uint8Array(32).fill(1), parents: [new Uint8Array(32).fill(2)], time: 1, body: { kind: 'grant-epoch', keyOp: new Uint8Array(32), boxes: tooMany } })).rejects.toThrow(/over the limit of 2000/);
  });
});

describe('the bytes of an op signed here', () => {
  test('are what encoding the op anew gives, and decode to the same op', async () => {
    const op = await signOp(await seedSigner(new Uint8Array(32).fill(9)), { context: new Uint8Array(32).fill(7), parents: [new Uint8Array(32).fill(2), new Uint8Array(32).fill(1)], time: 1_800_000_000_000, body: { kind: 'leave' } });
    const bytes = encodeOp(op);
    // A copy is not in the cache: it is encoded field by field.
    expect(bytes).toEqual(encodeOp({ ...op }));
    const back = decodeOp(bytes);
    expect(back.id).toEqual(op.id);
    expect(back.signature).toEqual(op.signature);
  });
});
