import { describe, expect, test } from 'vitest';
import { fuzzTarget } from './runTarget.ts';
import { renderCrash } from './table.ts';
import { TARGETS } from './targets/index.ts';

// The CI share of `npm run fuzz`: every decoder, a fixed seed, a small number of inputs.
const CI_RUNS = 20_000;
const CI_SEED = 20261124;

describe('fuzz, CI share', () => {
  for (const target of TARGETS) {
    test(`${target.name}: ${CI_RUNS.toLocaleString('en-US')} inputs, no crash`, { timeout: 120_000 }, async () => {
      const report = await fuzzTarget(target, { runs: CI_RUNS, seed: CI_SEED });
      expect(report.distinct.map((crash) => renderCrash(target.name, CI_SEED, crash))).toEqual([]);
      // Both outcomes occur: the mutations neither only break inputs nor only touch opaque bytes.
      expect(report.decoded).toBeGreaterThan(CI_RUNS / 100);
      expect(report.refused).toBeGreaterThan(CI_RUNS / 100);
    });
  }
});
