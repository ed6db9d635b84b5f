import { describe, expect, test } from 'vitest';
import type { BatchVerifier, SignatureCheck } from './batchVerifier.ts';
import { seedSigner } from './ed25519.ts';

/** Signed checks of `n` messages by two keys; every third one altered (so invalid). */
async function mixedChecks(n: number): Promise<{ checks: SignatureCheck[]; expected: boolean[] }> {
  const signers = await Promise.all([seedSigner(new Uint8Array(32).fill(3)), seedSigner(new Uint8Array(32).fill(4))]);
  const checks: SignatureCheck[] = [];
  const expected: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const signer = signers[i % 2]!;
    const message = new TextEncoder().encode(`message ${i}`);
    const signature = await signer.sign(message);
    const altered = i % 3 === 2;
    checks.push({ publicKey: signer.publicKey, message: altered ? new TextEncoder().encode(`message ${i}!`) : message, signature });
    expected.push(!altered);
  }
  return { checks, expected };
}

/**
 * What every BatchVerifier must do. Each implementation's test calls this with a factory;
 * `close` (optional) releases what the factory made.
 */
export function batchVerifierContract(name: string, make: () => BatchVerifier & { close?(): void }): void {
  describe(`BatchVerifier contract: ${name}`, () => {
    test('answers one verdict per check, in order', async () => {
      const v = make();
      const { checks, expected } = await mixedChecks(12);
      expect(await v.verify(checks)).toEqual(expected);
      expect(await v.verify([])).toEqual([]);
      v.close?.();
    });

    test('malformed checks are false, and the honest ones beside them still verify', async () => {
      const v = make();
      const { checks } = await mixedChecks(2);
      const good = checks[0]!;
      const bad: SignatureCheck[] = [
        { ...good, publicKey: new Uint8Array(0) },
        { ...good, publicKey: good.publicKey.subarray(0, 31) },
        { ...good, publicKey: new Uint8Array(32) },
        { ...good, publicKey: new Uint8Array(32).fill(0xff) },
        { ...good, signature: good.signature.subarray(0, 63) },
        { ...good, signature: new Uint8Array(64).fill(0xff) },
        { ...good, message: new Uint8Array(0) },
      ];
      const answers = await v.verify([good, ...bad, checks[1]!]);
      expect(answers).toEqual([true, ...bad.map(() => false), true]);
      v.close?.();
    });

    test('large batches and concurrent calls keep each answer with its check', async () => {
      const v = make();
      const [a, b] = await Promise.all([mixedChecks(700), mixedChecks(90)]);
      const [ra, rb] = await Promise.all([v.verify(a.checks), v.verify(b.checks)]);
      expect(ra).toEqual(a.expected);
      expect(rb).toEqual(b.expected);
      v.close?.();
    }, 60_000);
  });
}
