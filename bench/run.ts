// `npm run bench`: every figure beside a baseline measured in the same run, as a ratio.
// Node figures run here; Chromium figures run in bench.html in a real browser.
// `npm run bench -- chain bundle` runs only the named sections (names: see SECTIONS).
import { fileURLToPath } from 'node:url';
import { launchPeers, startApp } from '../e2e/harness.ts';
import { BENCH_DIST_DIR } from './benchDist.ts';
import { CHAIN, chainGasFigures, renderGas } from './chainGas.ts';
import { anchorLatencyFigures } from './anchorLatency.ts';
import { FIRST_LOAD_BUDGET_KB, firstLoadJs } from './bundleSize.ts';
import { deltaFixture } from './deltaFixture.ts';
import { ed25519Figures } from './ed25519.ts';
import { EPOCHS, encryptionFigures, rotationFigures } from './epochs.ts';
import { renderGoals, recordGoal } from './goals.ts';
import { GROWTH, growthFigures } from './growth.ts';
import type { Figure } from './measure.ts';
import { OP_CODEC, opCodecFigures } from './opCodec.ts';
import { P2P, p2pFigures } from './p2p.ts';
import { CATCH_UP, catchUpFigures } from './catchUp.ts';
import { RECONNECT, reconnectFigures } from './reconnect.ts';
import { RUNTIME, runtimeFigures } from './runtime.ts';
import { ed25519Comparisons, pairComparisons, renderBudgets, grid, renderRateGoals, renderRates, renderSizes, renderStages, renderTable, renderTimings } from './table.ts';
import { chromiumVerifyApply, VERIFY_APPLY, verifyApplyFigures } from './verifyApply.ts';

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

/** Prints a section's title, then its figures; a failure says so and the run goes on. */
async function section(title: string, what: string, print: () => Promise<void>): Promise<void> {
  console.log(`\n${title}\n`);
  try {
    await print();
  } catch (e) {
    console.log(`not measured: the ${what} run failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const notes = (list: string[]) => list.forEach((note) => console.log(`- ${note}`));

const p2pSection = () =>
  section(
    `Two Chromium peers on the app's pages, over WebRTC through the app's /signal, against baselines between the same two pages in the same run ` +
      `(ratio = time / baseline time; goals: catch-up ≤ ${P2P.catchUpGoalMs / 1000} s, latency ≤ ${P2P.latencyGoalRatio}x plain y-webrtc)`,
    'two-browser',
    async () => {
      const p2p = await p2pFigures();
      console.log(renderTimings(p2p.rows));
      notes(p2p.notes);
    },
  );

const catchUpSection = () =>
  section(
    `Catch-up between two Chromium peers on the app's pages at ${CATCH_UP.sizes.map((n) => n.toLocaleString('en-US')).join(' / ')} ops (A's profile filled with the growth fixture), each beside the same bytes over a plain RTCDataChannel between the same two pages in the same run ` +
      `(ratio = time / baseline time; goals: 10k ≤ 1.5 s and ≤ 3x the data channel, 100k ≤ 10 s with a progress bar throughout)`,
    'catch-up',
    async () => {
      const app = await startApp({ distDir: BENCH_DIST_DIR });
      try {
        const c = await catchUpFigures(app);
        console.log(renderTimings(c.rows));
        notes(c.notes);
      } finally {
        await app.close();
      }
    },
  );

const SECTIONS: Record<string, () => Promise<void>> = {
  async core() {
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

    console.log(`\nVerify + apply of signed state deltas against raw Yjs (goal: ≥ ${VERIFY_APPLY.goalOpsPerSec.toLocaleString('en-US')} ops/s in Chromium, where the node checks signatures in its worker pool; fastest of several runs)\n`);
    console.log(renderRateGoals(pairComparisons(figures, [[VERIFY_APPLY.pooled, VERIFY_APPLY.baseline], [VERIFY_APPLY.full, VERIFY_APPLY.baseline]]), VERIFY_APPLY.goalOpsPerSec));
    console.log('\nSignature checks: the worker pool against one thread (concurrent WebCrypto calls), same ops (ratio > 1: the pool is faster)\n');
    console.log(renderTable(pairComparisons(figures, [[VERIFY_APPLY.stages.verifyPool, VERIFY_APPLY.stages.verifyConcurrent], [VERIFY_APPLY.pooled, VERIFY_APPLY.full]])));
    const inChromium = chromiumVerifyApply(figures);
    const rate = (n: number) => `${Math.round(n).toLocaleString('en-US')} ops/s`;
    recordGoal({
      goal: 'verify-apply',
      figure: inChromium.pooled ?? inChromium.inline ?? 'not measured: no Chromium figure',
      detail: `fastest run, ${inChromium.pooled === undefined ? 'signatures inline' : `signatures in the worker pool${inChromium.inline === undefined ? '' : `; ${rate(inChromium.inline)} with them inline`}`}`,
    });
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
  },

  runtime: () =>
    section(`App runtime in Chromium, each beside a baseline in the same run (ratio = mean time / baseline mean time; goal: call round trip ≤ ${RUNTIME.goalRatio}x a bare Worker echo)`, 'runtime', async () => {
      const rt = await runtimeFigures();
      console.log(renderRates(rt.roundTrips, 'calls'));
      console.log('');
      console.log(renderRates(rt.writes, 'writes'));
      notes(rt.notes);
    }),

  async p2p() {
    await p2pSection();
    await catchUpSection();
  },

  catchup: () => catchUpSection(),

  reconnect: () =>
    section(`Reconnection between two Chromium peers on the mesh fixture page, against plain y-webrtc in the same rounds (goal: p99 ≤ ${RECONNECT.goalMs / 1000} s)`, 'reconnection', async () => {
      const reconnect = await reconnectFigures();
      console.log(renderTimings(reconnect.rows));
      notes(reconnect.notes);
    }),

  async chain() {
    await section(
      `Registry gas on a fresh local chain (Hardhat 2), each transaction beside a plain ETH transfer in the same run ` +
        `(ratio = gas / baseline gas; goal: an anchor ≤ ${CHAIN.anchorGoalGas.toLocaleString('en-US')} gas)`,
      'chain',
      async () => {
        const chain = await chainGasFigures();
        console.log(renderGas(chain.rows));
        notes(chain.notes);
      },
    );
    await section(
      "From an anchor's confirmation on chain to a peer's comparison of it with its history (two nodes, memory links, real Hardhat chain), beside the change itself crossing the mesh",
      'anchoring',
      async () => {
        const latency = await anchorLatencyFigures();
        console.log(renderTimings(latency.rows));
        notes(latency.notes);
      },
    );
  },

  growth: () =>
    section(
      `Growth of a context's costs with its history, in Node on the real node path (bareTestNode over a memory store holding ${GROWTH.sizes.map((n) => n.toLocaleString('en-US')).join(' / ')} signed ops), ` +
        `each beside a smaller context or a fresh one in the same run (ratio = figure / baseline figure; goals: cold open ≤ 150 ms at 10k, ≤ 500 ms at 100k; write at 100k ≤ ${GROWTH.writeGoalRatio}x fresh; heap at 100k ≤ 150 MB, the last two measured in Chromium by the goals, here in Node)`,
      'growth',
      async () => {
        const g = await growthFigures();
        console.log(renderTimings(g.coldOpen));
        console.log('');
        console.log(renderTimings(g.writes));
        console.log('');
        console.log(renderSizes(g.heap));
        console.log('');
        console.log(renderSizes(g.stored));
        notes(g.notes);
      },
    ),

  epochs: () =>
    section(
      `Epoch keys (issue 14): a rotation for ${EPOCHS.members.join(' / ')} members beside a remove op in the same context, and verify + apply with bodies sealed beside the same deltas in clear, in this run (Node ${process.version})`,
      'epoch-keys',
      async () => {
        const rows = await rotationFigures();
        const ms = (n: number) => `${n.toFixed(1)} ms`;
        const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
        console.log(
          grid(
            ['members', 'boxes', 'rotation op', 'seal all + sign', 'open one box', 'baseline: remove op', 'remove: sign', 'time ratio', 'size ratio'],
            rows.map((r) => [String(r.members), String(r.boxes), kb(r.rotationBytes), ms(r.rotationMs), ms(r.openMs), kb(r.removeBytes), ms(r.removeMs), `${(r.rotationMs / r.removeMs).toFixed(1)}x`, `${(r.rotationBytes / r.removeBytes).toFixed(1)}x`]),
          ),
        );
        console.log('');
        const figures = await encryptionFigures(`Node ${process.version}`);
        console.log(renderTable(pairComparisons(figures, [[EPOCHS.encrypted, EPOCHS.clear]])));
        notes([
          'A rotation seals the new key to every member device with HPKE (one X25519 agreement each) and carries the replaced key under the new one; each member opens one box.',
          `Medians of ${EPOCHS.runs} rotations per size; verify + apply: sealed and clear runs alternate and each keeps its fastest, over the same 2,000 deltas (ratio < 1: sealing costs throughput).`,
        ]);
      },
    ),

  async bundle() {
    const bundle = firstLoadJs(fileURLToPath(new URL('../dist', import.meta.url)));
    console.log(`\nFirst-load JavaScript of the app (${bundle.files.join(', ')}; lazily loaded chunks not counted)\n`);
    console.log(renderBudgets([{ measure: 'first-load JS, gzip -9', value: bundle.gzipKb, budget: FIRST_LOAD_BUDGET_KB, unit: 'kB' }]));
    recordGoal({ goal: 'first-load-js', figure: bundle.gzipKb, detail: 'gzip -9' });
  },
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in SECTIONS));
if (unknown.length > 0) {
  console.error(`no benchmark named ${unknown.join(', ')}; the names are: ${Object.keys(SECTIONS).join(', ')} (none: all of them)`);
  process.exit(2);
}
const ran: string[] = [];
for (const [name, run] of Object.entries(SECTIONS)) {
  if (asked.length > 0 && !asked.includes(name)) continue;
  await run();
  ran.push(name);
  const own = renderGoals([name], ran);
  if (own.split('\n').length > 2) console.log(`\nThe issue's goals measured by ${name}\n\n${own}`);
}
// Every goal of issue 12, measured in this run or not.
console.log(`\nGoals (issue 12: long-lived contexts stay fast), ${ran.join(', ')} run\n`);
console.log(renderGoals(undefined, ran));
console.log('');
// Every section closed what it opened that it knows of; a library's lingering handle (an
// IndexedDB shim's timers, a worker) must not keep `npm run bench` from returning.
process.exit(0);
