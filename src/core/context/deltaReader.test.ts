import { describe, expect, test } from 'vitest';
import { toHex } from '../crypto/index.ts';
import { person } from './testkit.ts';
import { EpochKeyError, type EpochKeyRing } from '../epochs/ring.ts';
import { encryptedGenesis, epochPeer, testBoxKey, testBytes } from '../epochs/testkit.ts';
import { idKey } from '../ops/op.ts';
import { createDeltaReader } from './deltaReader.ts';

/** A context whose owner wrote one sealed delta, and a peer with no box key that holds nothing. */
async function sealedWrite() {
  const a = await person('A', 1);
  const box = await testBoxKey();
  const g = await encryptedGenesis(a, box, testBytes(1));
  const A = await epochPeer(a, g.id, box);
  await A.receive([g]);
  const written = await A.write('hello');
  const Other = await epochPeer(a, g.id, undefined);
  await Other.receive([g, written]);
  return { g, A, Other, delta: A.replica.dag.get(idKey(written.id))! };
}

/** A ring that holds whatever key the test says for every op. */
function ringHolding(current: () => Uint8Array | undefined): EpochKeyRing {
  return { get: () => current(), has: () => current() !== undefined } as unknown as EpochKeyRing;
}

describe('the delta reader', () => {
  test('a delta unreadable under one key is read again under another; unreadable for good only under the key it failed under', async () => {
    const { g, delta } = await sealedWrite();
    let key: Uint8Array | undefined = testBytes(666);
    const reader = createDeltaReader(g.id, ringHolding(() => key));
    expect(reader.read(delta)).toBeUndefined();
    expect(reader.unreadable().map((u) => u.key)).toEqual([delta.key]);
    expect(reader.read(delta)).toBeUndefined();
    key = testBytes(1);
    expect(reader.read(delta)).toMatchObject({ writer: 'kv' });
    expect(reader.unreadable()).toEqual([]);
  });

  test('learnKeys: one key that throws does not strand the deltas the others release', async () => {
    const { g, A, Other } = await sealedWrite();
    expect(Other.replica.sealedCount()).toBe(1);
    const right = { keyOp: idKey(g.id), key: A.replica.ring.get(idKey(g.id))! };
    expect(() => Other.replica.learnKeys([right, { keyOp: toHex(testBytes(5)), key: new Uint8Array(3) }])).toThrow(EpochKeyError);
    expect(Other.replica.sealedCount()).toBe(0);
    expect(Other.texts()).toEqual(new Set(['hello']));
  });
});
