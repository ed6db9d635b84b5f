import { describe, expect, test } from 'vitest';
import { boxKeyProblem } from './boxKeyCheck.ts';
import { BoxError, importBoxKeyPair, sealToBoxKey } from './hpke.ts';

const P = 2n ** 255n - 19n;
const le = (n: bigint) => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
};
const info = new TextEncoder().encode('tabnode/test-box/v1');
const LOW_ORDER = [0n, 1n, P - 1n, 325606250916557431795983626356110631294008115727848805560023387167927233504n, 39382357235489614581723060781553021112529911719440698176882885853963445705823n];

describe('boxKeyProblem: box keys usable for sealing, one encoding each', () => {
  test('every low-order point is refused synchronously, and WebCrypto cannot seal to any of them either', async () => {
    for (const u of LOW_ORDER) {
      expect(boxKeyProblem(le(u))).toMatch(/low-order/);
      await expect(sealToBoxKey(le(u), new Uint8Array(32), info)).rejects.toThrow(BoxError);
    }
  });

  test('non-canonical encodings (top bit set, or not reduced mod p) are refused, low-order aliases included', () => {
    for (const u of [...LOW_ORDER.map((v) => v + P).filter((v) => v < 2n ** 255n), 2n ** 255n - 1n]) expect(boxKeyProblem(le(u))).toMatch(/not canonical/);
    const high = le(9n);
    high[31]! |= 0x80;
    expect(boxKeyProblem(high)).toMatch(/not canonical/);
    expect(boxKeyProblem(new Uint8Array(31))).toMatch(/32 bytes/);
  });

  test('real public keys pass, and sealing to them works', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const pair = await importBoxKeyPair(new Uint8Array(32).fill(seed));
      expect(boxKeyProblem(pair.publicKey)).toBeUndefined();
    }
    const pair = await importBoxKeyPair(new Uint8Array(32).fill(3));
    await expect(sealToBoxKey(pair.publicKey, new Uint8Array(32), info)).resolves.toBeDefined();
    expect(boxKeyProblem(le(9n))).toBeUndefined();
  });
});
