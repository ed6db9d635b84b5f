import { describe, expect, test } from 'vitest';
import { seedSigner, type SignatureCheck } from '../../core/crypto/index.ts';
import { batchVerifierContract } from '../../core/crypto/batchVerifierContract.ts';
import { createWorkerVerifyPool, poolSize, VERIFY_POOL_LIMITS } from './workerPool.ts';

batchVerifierContract('worker pool (2 workers)', () => createWorkerVerifyPool({ size: 2, limits: { chunkChecks: 64 } }));

const scriptWorker = (source: string) => () => new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));

async function honestChecks(n: number): Promise<SignatureCheck[]> {
  const signer = await seedSigner(new Uint8Array(32).fill(9));
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const message = new Uint8Array([i, i >> 8]);
      return { publicKey: signer.publicKey, message, signature: await signer.sign(message) };
    }),
  );
}

describe('worker verification pool under failure', () => {
  test('workers that crash on every message do not stop honest checks', async () => {
    const pool = createWorkerVerifyPool({ size: 2, createWorker: scriptWorker('onmessage = () => { throw new Error("boom"); };'), limits: { chunkChecks: 16, maxRespawns: 3 } });
    const checks = await honestChecks(100);
    for (let round = 0; round < 4; round++) expect(await pool.verify(checks)).toEqual(checks.map(() => true));
    // Respawns are bounded: past them the pool verifies inline, with no worker left.
    expect(pool.size()).toBe(0);
    pool.close();
  });

  test('a worker answering nonsense or never answering is replaced, and its checks verified anyway', async () => {
    const liar = createWorkerVerifyPool({ size: 1, createWorker: scriptWorker('onmessage = (e) => postMessage({ id: e.data.id, valid: new Uint8Array(1) });'), limits: { chunkChecks: 8 } });
    const silent = createWorkerVerifyPool({ size: 1, createWorker: scriptWorker('onmessage = () => {};'), limits: { chunkChecks: 8, chunkTimeoutMs: 200 } });
    const checks = await honestChecks(20);
    checks[5] = { ...checks[5]!, message: new Uint8Array([1, 2, 3]) };
    const expected = checks.map((_, i) => i !== 5);
    expect(await liar.verify(checks)).toEqual(expected);
    expect(await silent.verify(checks)).toEqual(expected);
    liar.close();
    silent.close();
  });

  test('past the queue bound checks are verified on the calling thread, never dropped', async () => {
    const pool = createWorkerVerifyPool({ size: 1, createWorker: scriptWorker('onmessage = () => {};'), limits: { chunkChecks: 10, maxQueuedChecks: 10, chunkTimeoutMs: 60_000 } });
    const checks = await honestChecks(40);
    // The silent worker holds the first chunk until close; the other three exceed the bound and go inline.
    const answer = pool.verify(checks);
    setTimeout(() => pool.close(), 200);
    expect(await answer).toEqual(checks.map(() => true));
  });

  test('a few checks are verified on the calling thread, without waiting for a worker', async () => {
    // The worker never answers (and is not counted as crashed for a minute): only checks kept
    // off it can be answered.
    const pool = createWorkerVerifyPool({ size: 1, createWorker: scriptWorker('onmessage = () => {};'), limits: { chunkTimeoutMs: 60_000 } });
    const checks = await honestChecks(VERIFY_POOL_LIMITS.inlineBelow - 1);
    checks[0] = { ...checks[0]!, message: new Uint8Array([7]) };
    expect(await pool.verify(checks)).toEqual(checks.map((_, i) => i !== 0));
    pool.close();
  });

  test('the pool is sized by the cores, bounded', () => {
    expect(poolSize(undefined)).toBe(1);
    expect(poolSize(1)).toBe(1);
    expect(poolSize(8)).toBe(4);
    expect(poolSize(64, 6)).toBe(6);
  });
});
