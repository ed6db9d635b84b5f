// A recipient nothing can be sealed to (review finding N2): the rotation or grant still
// reaches everyone else.
import { describe, expect, test } from 'vitest';
import { openSealedBox, toHex } from '../crypto/index.ts';
import { grantBody, rotationBody } from './boxes.ts';
import { boxInfo } from './seal.ts';
import { testBoxKey, testBytes } from './testkit.ts';

/** u = 0: a low-order X25519 point (the shared secret would be all zeros, WebCrypto refuses it). */
const LOW_ORDER = toHex(new Uint8Array(32));

describe('sealing to a box key that cannot be sealed to', () => {
  test('a rotation and a grant leave it out and seal to the rest', async () => {
    const ctx = testBytes(1);
    const [good1, good2] = [await testBoxKey(), await testBoxKey()];
    const recipients = [toHex(good1.publicKey), LOW_ORDER, toHex(good2.publicKey)];
    const key = testBytes(2);
    const rotation = await rotationBody(ctx, 1, key, testBytes(3, 24), recipients, []);
    const grant = await grantBody(ctx, toHex(testBytes(4)), key, recipients);
    for (const body of [rotation, grant]) {
      if (body.kind !== 'rotate-epoch' && body.kind !== 'grant-epoch') throw new Error('unreachable');
      expect(body.boxes.map((b) => toHex(b.to))).toEqual([toHex(good1.publicKey), toHex(good2.publicKey)]);
      for (const [i, mine] of [good1, good2].entries()) expect(await openSealedBox(mine, body.boxes[i]!.box, boxInfo(ctx))).toEqual(key);
    }
  });
});
