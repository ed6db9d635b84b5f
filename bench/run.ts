// `npm run bench`: every figure beside a baseline measured in the same run, as a ratio.
// Node figures run here; Chromium figures run in bench.html in a real browser.
import { fileURLToPath } from 'node:url';
import { launchPeers, startApp } from '../e2e/harness.ts';
import { BENCH_DIST_DIR } from './benchDist.ts';
import { CHAIN, chainGasFigures, renderGas } from './chainGas.ts';
import { anchorLatencyFigures } from './anchorLatency.ts';
import { FIRST_LOAD_BUDGET_KB, firstLoadJs } from './bundleSize.ts';
import { deltaFixture } from './deltaFixture.ts';
import { ed25519Figures } from './ed25519.ts';
import type { Figure } from './measure.ts';
import { OP_CODEC, opCodecFigures } from './opCodec.ts';
import { P2P, p2pFigures } from './p2p.ts';
import { RECONNECT, reconnectFigures } from './reconnect.ts';
import { RUNTIME, runtimeFigures } from './runtime.ts';
import { ed25519Comparisons, pairComparisons, renderBudgets, renderRates, renderStages, renderTable, renderTimings } from './table.ts';
import { VERIFY_APPLY, verifyApplyFigures } from './verifyApply.ts';

async function browserFigures(): Promise<Figure[]> {
  const app = await startApp({ distDir: BENCH_DIST_DIR });
  const { peers, close } = await launchPeers(1, { app, path: '/bench.html', name: 'bench' });
  try {
    const page = peers[0]!.page;
    await page.waitForFunction(() => window.__benchResults !== undefined, null, { timeout: 180_000, polling: 500 });
    const results = await page.evaluate(() => window.__benchResults!);
    if ('error' in results) throw new Error(`browser benchmark failed: ${results.error}`);
    return results;
  } finally {
    await close();
    await app.close();
  }
}

const node = `Node ${process.version}`;
const fixture = await deltaFixture();
const figures = [
  ...(await ed25519Figures(node)),
  ...(await verifyApplyFigures(node, fixture)),
  ...(await opCodecFigures(node, fixture.deltaOps)),
  ...(await browserFigures()),
];
const stageNames: string[] = Object.values(VERIFY_APPLY.stages);

console.log('\nEd25519 throughput, WebCrypto against noble (ratio > 1: WebCrypto is faster)\n');
console.log(renderTable(ed25519Comparisons(figures)));

console.log(`\nVerify + apply of signed state deltas against raw Yjs (goal: ≥ 10,000 ops/s in Chromium, ratio ≥ 0.5x; fastest of several runs)\n`);
console.log(renderTable(pairComparisons(figures, [[VERIFY_APPLY.full, VERIFY_APPLY.baseline]])));
console.log('\nWhere verify + apply spends its time (each stage timed alone over the same ops)\n');
console.log(renderStages(figures.filter((f) => f.name === VERIFY_APPLY.full), figures.filter((f) => stageNames.includes(f.name))));

console.log('\nSigned-op codec against JSON of the same ops (ratio > 1: the op codec is faster)\n');
console.log(
  renderTable(
    pairComparisons(figures, [
      [OP_CODEC.encode, OP_CODEC.encodeBaseline],
      [OP_CODEC.decode, OP_CODEC.decodeBaseline],
    ]),
  ),
);

console.log(`\nApp runtime in Chromium, each beside a baseline in the same run (ratio = mean time / baseline mean time; goal: call round trip ≤ ${RUNTIME.goalRatio}x a bare Worker echo)\n`);
try {
  const rt = await runtimeFigures();
  console.log(renderRates(rt.roundTrips, 'calls'));
  console.log('');
  console.log(renderRates(rt.writes, 'writes'));
  for (const note of rt.notes) console.log(`- ${note}`);
} catch (e) {
  console.log(`not measured: the runtime run failed: ${e instanceof Error ? e.message : String(e)}`);
}

console.log(
  `\nTwo Chromium peers on the app's pages, over WebRTC through the app's /signal, against baselines between the same two pages in the same run ` +
    `(ratio = time / baseline time; goals: catch-up ≤ ${P2P.catchUpGoalMs / 1000} s, latency ≤ ${P2P.latencyGoalRatio}x plain y-webrtc)\n`,
);
try {
  const p2p = await p2pFigures();
  console.log(renderTimings(p2p.rows));
  for (const note of p2p.notes) console.log(`- ${note}`);
} catch (e) {
  console.log(`not measured: the two-browser run failed: ${e instanceof Error ? e.message : String(e)}`);
}

console.log(`\nReconnection between two Chromium peers on the mesh fixture page, against plain y-webrtc in the same rounds (goal: p99 ≤ ${RECONNECT.goalMs / 1000} s)\n`);
try {
  const reconnect = await reconnectFigures();
  console.log(renderTimings(reconnect.rows));
  for (const note of reconnect.notes) console.log(`- ${note}`);
} catch (e) {
  console.log(`not measured: the reconnection run failed: ${e instanceof Error ? e.message : String(e)}`);
}

console.log(
  `\nRegistry gas on a fresh local chain (Hardhat 2), each transaction beside a plain ETH transfer in the same run ` +
    `(ratio = gas / baseline gas; goal: an anchor ≤ ${CHAIN.anchorGoalGas.toLocaleString('en-US')} gas)\n`,
);
try {
  const chain = await chainGasFigures();
  console.log(renderGas(chain.rows));
  for (const note of chain.notes) console.log(`- ${note}`);
} catch (e) {
  console.log(`not measured: the chain run failed: ${e instanceof Error ? e.message : String(e)}`);
}

console.log(`\nFrom an anchor's confirmation on chain to a peer's comparison of it with its history (two nodes, memory links, real Hardhat chain), beside the change itself crossing the mesh\n`);
try {
  const latency = await anchorLatencyFigures();
  console.log(renderTimings(latency.rows));
  for (const note of latency.notes) console.log(`- ${note}`);
} catch (e) {
  console.log(`not measured: the anchoring run failed: ${e instanceof Error ? e.message : String(e)}`);
}

const bundle = firstLoadJs(fileURLToPath(new URL('../dist', import.meta.url)));
console.log(`\nFirst-load JavaScript of the app (${bundle.files.join(', ')}; lazily loaded chunks not counted)\n`);
console.log(renderBudgets([{ measure: 'first-load JS, gzip -9', value: bundle.gzipKb, budget: FIRST_LOAD_BUDGET_KB, unit: 'kB' }]));

console.log('');
