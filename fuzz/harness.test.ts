import { describe, expect, test } from 'vitest';
import { fromHex } from '../src/core/crypto/index.ts';
import { mutate } from './mutate.ts';
import { createRng } from './rng.ts';
import { fuzzTarget } from './runTarget.ts';
import { judgeInput, type FuzzTarget } from './target.ts';

class Refusal extends Error {}

/** A decoder with a planted bug: a 0xff byte right after a 2 makes it index past an array. */
const buggy: FuzzTarget<number> = {
  name: 'buggy',
  decoder: 'a test double',
  seeds: async () => [Uint8Array.of(1, 2, 3), Uint8Array.of(2, 7, 7, 7)],
  maxInputBytes: 64,
  decode(input) {
    if (input.length === 0) throw new Refusal('empty');
    const at = input.indexOf(2);
    if (at >= 0 && input[at + 1] === 0xff) return ([] as { length: number }[])[0]!.length;
    return input.length;
  },
  isRefusal: (error) => error instanceof Refusal,
};

describe('the fuzz harness', () => {
  test('finds a planted crash, and its hex replays it', async () => {
    const report = await fuzzTarget(buggy, { runs: 20_000, seed: 1 });
    expect(report.crashes).toBeGreaterThan(0);
    const [crash] = report.distinct;
    expect(crash!.error).toMatch(/^TypeError/);
    expect(judgeInput(buggy, fromHex(crash!.inputHex))).toMatchObject({ kind: 'crash', crash: 'exception' });
  });

  test('tells refusals, accepted values and broken invariants apart', () => {
    expect(judgeInput(buggy, new Uint8Array())).toEqual({ kind: 'refused' });
    expect(judgeInput(buggy, Uint8Array.of(5))).toEqual({ kind: 'decoded' });
    const picky = { ...buggy, check: (n: number) => (n > 1 ? 'too long' : undefined) };
    expect(judgeInput(picky, Uint8Array.of(5, 5))).toMatchObject({ kind: 'crash', crash: 'invariant', error: 'too long' });
  });

  test('a run is a function of its seed', async () => {
    const counts = async (seed: number) => {
      const r = await fuzzTarget(buggy, { runs: 5_000, seed });
      return [r.decoded, r.refused, r.crashes];
    };
    expect(await counts(7)).toEqual(await counts(7));
    expect(await counts(7)).not.toEqual(await counts(8));
  });

  test('mutations stay within the target bound', () => {
    const rng = createRng(3, 'bound');
    const pool = [new Uint8Array(60).fill(1)];
    for (let i = 0; i < 10_000; i++) {
      expect(mutate(pool[0]!, { rng, pool, dictionary: [new Uint8Array(40)], maxBytes: 64 }).length).toBeLessThanOrEqual(64);
    }
  });
});
