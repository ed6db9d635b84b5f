// The in-browser half of `npm run bench`: runs the benchmarks in this page and publishes
// the figures on window.__benchResults for bench/run.ts to collect. With ?p2p it runs
// nothing by itself and loads the two-browser baselines instead (bench/p2pPage.ts); with
// ?runtime, the app runtime's round trips and raw-write baseline (bench/runtimePage.ts).
import { deltaFixture } from './deltaFixture.ts';
import { ed25519Figures } from './ed25519.ts';
import type { Figure } from './measure.ts';
import { verifyApplyFigures } from './verifyApply.ts';
import { createWorkerVerifyPool } from '../src/adapters/verifyPool/workerPool.ts';

declare global {
  interface Window {
    __benchResults?: Figure[] | { error: string };
  }
}

async function main() {
  document.body.textContent = 'Running benchmarks…';
  const pool = createWorkerVerifyPool();
  const figures = [...(await ed25519Figures('Chromium')), ...(await verifyApplyFigures(`Chromium (pool of ${pool.size()})`, await deltaFixture(), 2400, pool))];
  pool.close();
  window.__benchResults = figures;
  document.body.textContent = figures.map((f) => `${f.name}: ${Math.round(f.opsPerSec)} ops/s`).join('\n');
}

// bench.html?p2p: only the two-browser baselines (bench/p2pPage.ts), driven by bench/p2p.ts.
if (new URLSearchParams(location.search).has('p2p')) {
  document.body.textContent = 'Two-browser baselines';
  void import('./p2pPage.ts');
  void import('./fixturePage.ts');
} else if (new URLSearchParams(location.search).has('runtime')) {
  // bench.html?runtime: the app runtime's figures (bench/runtimePage.ts), driven by bench/runtime.ts.
  document.body.textContent = 'App runtime figures';
  void import('./runtimePage.ts');
} else {
  main().catch((e: Error) => {
    window.__benchResults = { error: e.message };
  });
}
