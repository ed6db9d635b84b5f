// Two-browser figures for `npm run bench`: catch-up of a 10k-op context and propagation
// latency between two real Chromium peers on the app's pages, each beside a baseline
// measured in the same run between the same two pages (bench/p2pPage.ts runs the baselines
// in bench.html?p2p). Timings are only reported, never asserted.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchPeers, startApp, type App } from '../e2e/harness.ts';
import { BENCH_DIST_DIR } from './benchDist.ts';
import type { BuildResult, RawPull } from './p2pPage.ts';
import { GOALS, recordGoal } from './goals.ts';
import type { Timed } from './table.ts';

export const P2P = {
  /** BENCH_P2P_OPS=n for a quicker run with a smaller context. */
  ops: Number(process.env.BENCH_P2P_OPS ?? 10_000),
  /** Keys the 10k writes cycle through (each write sets one key to a new number). */
  keys: 1000,
  warmup: 10,
  samples: 60,
  spacingMs: 50,
  rawRuns: 3,
  /** Latency inside the 10k-op context: fewer samples, spaced so B can settle between them. */
  bigSamples: 30,
  bigSpacingMs: 250,
  /** Pause between the catch-up and the latency run in the same context. */
  settleMs: 3000,
  /** B's view is read on every change of its node, and at least this often. */
  pollMs: 250,
  catchUpGoalMs: GOALS['catch-up-10k'].limit,
  latencyGoalRatio: GOALS['propagation-fresh'].limit,
} as const;

export interface P2pReport {
  rows: Timed[];
  /** Plain-language lines printed under the table: how it was measured, what took how long. */
  notes: string[];
}

// tsx compiles with esbuild's keepNames, which wraps functions in __name(); functions passed
// to page.evaluate run in the page, where that helper does not exist.
export const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';

/**
 * BENCH_P2P_TRACE=1: stamp every sync message leaving or entering a data channel in both pages,
 * and split each latency sample into A's side, the wire, and B's side (printed in the notes).
 */
export const WIRE_TRACE = `(() => {
globalThis.__wire = [];
const kinds = ['hello','auth','heads','want','ops','checkpoint','app-want','app','refused','bye'];
const t = () => performance.timeOrigin + performance.now();
const log = (dir, d) => { if (d instanceof ArrayBuffer) d = new Uint8Array(d); if (d instanceof Uint8Array && d[0] === 1 && d[5] === 0x50) globalThis.__wire.push([Math.round(t()), dir, kinds[d[7]], new DataView(d.buffer, d.byteOffset).getUint32(1)]); };
const send = RTCDataChannel.prototype.send;
RTCDataChannel.prototype.send = function (d) { log('out', d); return send.call(this, d); };
const add = RTCDataChannel.prototype.addEventListener;
RTCDataChannel.prototype.addEventListener = function (type, fn, o) { if (type === 'message') { const inner = fn; fn = (e) => { log('in', e.data); return inner(e); }; } return add.call(this, type, fn, o); };
})();`;

const stamp = (): number => performance.timeOrigin + performance.now();

/**
 * BENCH_P2P_PROFILE=dir: save a Chromium CPU profile (.cpuprofile, opens in DevTools) of each
 * page during the catch-up and the latency runs, to see where the time goes.
 */
export async function profiled<T>(pages: Record<string, Page>, label: string, run: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_P2P_PROFILE;
  if (!dir) return run();
  const sessions = await Promise.all(
    Object.values(pages).map(async (page) => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
      return cdp;
    }),
  );
  try {
    return await run();
  } finally {
    await mkdir(dir, { recursive: true });
    const names = Object.keys(pages);
    for (const [i, cdp] of sessions.entries()) {
      const { profile } = await cdp.send('Profiler.stop');
      await writeFile(join(dir, `${label}-${names[i]}.cpuprofile`), JSON.stringify(profile));
      await cdp.detach();
    }
  }
}

export async function signIn(page: Page, label: string): Promise<void> {
  await page.waitForFunction(() => window.tabnode !== undefined, null, { timeout: 30_000 });
  await page.evaluate(async (l) => {
    const n = window.tabnode!;
    if (!(await n.identity.status()).root) await n.identity.useLocalRoot(n.identity.newPhrase(), l);
  }, label);
}

async function openApp(page: Page, app: App): Promise<void> {
  await page.goto(new URL('/', app.url).href);
  await page.waitForFunction(() => window.tabnode !== undefined, null, { timeout: 30_000 });
}

/**
 * Until the node on `page` shows at least `n` ops in context `id`, polled in the page
 * (waitForFunction does not await an async predicate: its promise counts as true at once).
 */
export async function waitForOps(page: Page, id: string, n: number, timeoutMs: number): Promise<void> {
  await page.waitForFunction(() => window.tabnode !== undefined, null, { timeout: timeoutMs });
  await page.evaluate(
    ([id, n, timeoutMs]) =>
      window.tabnode!.contexts.open(id).view().then(async function poll(v): Promise<void> {
        if (v.opCount >= n) return;
        if (performance.now() > timeoutMs) throw new Error(`the node did not show ${n} ops within its page's first ${timeoutMs / 1000} s (${v.opCount})`);
        await new Promise((r) => setTimeout(r, 100));
        return poll(await window.tabnode!.contexts.open(id).view());
      }),
    [id, n, timeoutMs] as const,
  );
}

export async function openBaselinePage(page: Page, app: App): Promise<void> {
  await page.goto(new URL('/bench.html?p2p', app.url).href);
  await page.waitForFunction(() => window.__p2p !== undefined, null, { timeout: 30_000 });
}

/** Nearest-rank percentile of an unsorted list. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Latencies {
  samples: number[];
  lost: number;
  /** Median time A's contexts.write took to resolve (Tabnode only). */
  writeMs?: number;
  /** With BENCH_P2P_TRACE: the median split of a sample's time. */
  wire?: string;
}

/** Pair send and receive times of the measured samples (after the warm-up ones). */
function latencies(sent: Record<string, number>, received: Record<string, number>, keyOf: (i: number) => string, count: number = P2P.samples): Latencies {
  const samples: number[] = [];
  let lost = 0;
  for (let i = P2P.warmup; i < P2P.warmup + count; i++) {
    const s = sent[keyOf(i)];
    const r = received[keyOf(i)];
    if (s === undefined || r === undefined) lost++;
    else samples.push(r - s);
  }
  return { samples, lost };
}

/**
 * Tabnode propagation: A writes key lat<i> in context `id`, B notes when its node first shows
 * it. B reads view() on every onChange (one read at a time; changes during a read get one
 * more read after it) and stamps a key with the time of the first read that shows it.
 */
async function tabnodeLatency(A: Page, B: Page, id: string, { samples = P2P.samples as number, spacingMs = P2P.spacingMs as number } = {}): Promise<Latencies> {
  await B.evaluate((id) => {
    const n = window.tabnode!;
    const seen: Record<string, number> = {};
    const w = window as unknown as { __lat: Record<string, number>; __latStop: () => void };
    w.__lat = seen;
    let busy = false;
    let again = false;
    const check = (): void => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      // view() reads the state synchronously, right after this stamp.
      const t = performance.timeOrigin + performance.now();
      void n.contexts.open(id).view().then((v) => {
        for (const [k] of v.kv) if (k.startsWith('lat') && !(k in seen)) seen[k] = t;
        busy = false;
        if (again) {
          again = false;
          check();
        }
      });
    };
    w.__latStop = n.onChange(check);
  }, id);
  const total = P2P.warmup + samples;
  const { sent, writeMs } = await A.evaluate(
    async ([id, total, spacing]) => {
      const n = window.tabnode!;
      const sent: Record<string, number> = {};
      const writeMs: number[] = [];
      for (let i = 0; i < total; i++) {
        const t = performance.timeOrigin + performance.now();
        sent[`lat${i}`] = t;
        await n.contexts.open(id).write({ method: 'set', args: { key: `lat${i}`, value: i } });
        writeMs.push(performance.timeOrigin + performance.now() - t);
        const wait = t + spacing - (performance.timeOrigin + performance.now());
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      return { sent, writeMs };
    },
    [id, total, spacingMs] as const,
  );
  await B.waitForFunction((total) => Object.keys((window as unknown as { __lat: object }).__lat).length >= total, total, { timeout: 20_000, polling: 100 }).catch(() => undefined);
  const received = await B.evaluate(() => {
    const w = window as unknown as { __lat: Record<string, number>; __latStop: () => void };
    w.__latStop();
    return w.__lat;
  });
  let wire: string | undefined;
  if (process.env.BENCH_P2P_TRACE) {
    // Where each sample's time went: A's write until its ops message leaves, the wire, B until its view shows the key.
    type Frame = [number, string, string, number];
    const frames = async (p: Page) => (await p.evaluate(() => (globalThis as unknown as { __wire: Frame[] }).__wire.splice(0))).filter((w) => w[2] === 'ops');
    const [outA, inB] = [(await frames(A)).filter((f) => f[1] === 'out'), (await frames(B)).filter((f) => f[1] === 'in')];
    const parts: number[][] = [[], [], []];
    for (let i = P2P.warmup; i < total; i++) {
      const s = sent[`lat${i}`]!;
      const r = received[`lat${i}`];
      const out = outA.find((f) => f[0] >= s - 1);
      const got = out && inB.find((f) => f[0] >= out[0] - 1);
      if (r === undefined || !out || !got) continue;
      parts[0]!.push(out[0] - s);
      parts[1]!.push(got[0] - out[0]);
      parts[2]!.push(r - got[0]);
    }
    wire = `write → A's ops message out ${percentile(parts[0]!, 50).toFixed(0)} ms, wire ${percentile(parts[1]!, 50)} ms, B's ops message in → B's view shows the key ${percentile(parts[2]!, 50).toFixed(0)} ms (medians, ms-rounded wire stamps)`;
  }
  return { ...latencies(sent, received, (i) => `lat${i}`, samples), writeMs: percentile(writeMs.slice(P2P.warmup), 50), ...(wire ? { wire } : {}) };
}

/** A invites B to `id` (as a writer); B joins by the link. Resolves when both see each other verified. */
export async function joinAndConnect(A: Page, B: Page, id: string): Promise<void> {
  const link = await A.evaluate((id) => window.tabnode!.contexts.open(id).invite({ role: 'writer' }), id);
  await B.evaluate((link) => window.tabnode!.contexts.join(link), link);
  // Polled in the page with an awaited loop: waitForFunction would take the async predicate's promise as true at once.
  for (const page of [A, B]) {
    await page.evaluate(async (id) => {
      const deadline = performance.now() + 60_000;
      for (;;) {
        const v = await window.tabnode!.contexts.open(id).view();
        if (!v.joining && v.peers.some((p) => p.state === 'verified')) return;
        if (performance.now() > deadline) throw new Error(`context ${id.slice(0, 12)}… had no verified peer within 60 s (joining: ${v.joining})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }, id);
  }
}

interface CatchUp {
  ms: number;
  /** onChange calls on B during the catch-up. */
  changes: number;
  /** ms after the join call: first peer link, first peer verified, first ops in, done. */
  marks: Record<string, number>;
  opCount: number;
  bytes: number;
  messages: number;
  ops: number;
  viewMs: number;
  stateRoot: string;
}

/** time / baseline time, or why it was not measured. */
function ratioOf(ms: number | string, baselineMs: number | string): number | string {
  if (typeof ms === 'string') return ms;
  return typeof baselineMs === 'string' ? `no baseline (${baselineMs})` : ms / baselineMs;
}

/** The catch-up goals: the time, and the time against the same bytes over a plain data channel. */
function recordCatchUp(catchUp: { ms: number } | string, raw: { totalMs: number } | string): void {
  const ms = typeof catchUp === 'string' ? catchUp : catchUp.ms;
  recordGoal({ goal: 'catch-up-10k', figure: tenK() ?? ms });
  recordGoal({ goal: 'catch-up-10k-ratio', figure: tenK() ?? ratioOf(ms, typeof raw === 'string' ? raw : raw.totalMs) });
}

/** Why a 10k goal is not measured by this run (a smaller context, BENCH_P2P_OPS); undefined at 10k. */
const tenK = (): string | undefined =>
  P2P.ops === 10_000 ? undefined : `the goal is for 10k ops; this run's context has ${P2P.ops.toLocaleString('en-US')} (BENCH_P2P_OPS)`;

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const fmtBytes = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const fail = (e: unknown) => `not measured: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 160)}`;

/** The raw baseline: `bytes` pulled A→B over a fresh RTCDataChannel (both pages on bench.html?p2p); fastest of P2P.rawRuns. */
export async function rawPullBest(A: Page, B: Page, app: App, bytes: number): Promise<RawPull> {
  let best: RawPull | undefined;
  for (let r = 0; r < P2P.rawRuns; r++) {
    const topic = `bench-raw-${randomUUID()}`;
    await A.evaluate(([url, topic]) => window.__p2p!.rawServe(url!, topic!), [app.signalingUrl, topic] as const);
    const run = await B.evaluate(([url, topic, bytes]) => window.__p2p!.rawPull(url!, topic!, bytes as number), [app.signalingUrl, topic, bytes] as const);
    if (!best || run.totalMs < best.totalMs) best = run;
  }
  return best!;
}

export async function p2pFigures(): Promise<P2pReport> {
  const rows: Timed[] = [];
  const notes: string[] = [];
  // BENCH_DIST_DIR (benchDist.ts) can serve an unminified build for the BENCH_P2P_PROFILE profiles.
  const app = await startApp({ distDir: BENCH_DIST_DIR });
  const { peers, close } = await launchPeers(2, { app });
  const [A, B] = peers.map((p) => p.page) as [Page, Page];
  try {
    for (const p of peers) await p.context.addInitScript({ content: NAME_SHIM + (process.env.BENCH_P2P_TRACE ? WIRE_TRACE : '') });
    await Promise.all([A.reload(), B.reload()]);
    await Promise.all([signIn(A, 'bench A'), signIn(B, 'bench B')]);

    // 1. Latency in a fresh context, the common case and the fair match for a fresh Y.Doc.
    let small: Latencies | string;
    try {
      const id = await A.evaluate(() => window.tabnode!.contexts.create('bench: latency'));
      await joinAndConnect(A, B, id);
      small = await profiled({ A, B }, 'latency-fresh', () => tabnodeLatency(A, B, id));
    } catch (e) {
      small = fail(e);
    }

    // 2. A makes the 10k-op context with the app's Node API in bench.html (no UI there: the
    // app's UI re-reads the whole view on each change and would make this far slower), then
    // reopens the app, which loads and verifies the stored ops.
    let built: BuildResult | undefined;
    let catchUp: CatchUp | string;
    let big: Latencies | string | undefined;
    try {
      await openBaselinePage(A, app);
      built = await A.evaluate(([n, keys]) => window.__p2p!.build(n, keys), [P2P.ops, P2P.keys] as const);
      if (built.invalid) throw new Error(`${built.invalid} of the ${P2P.ops} writes were invalid`);
      const reopened = stamp();
      await openApp(A, app);
      const target = built.opCount;
      await waitForOps(A, built.id, target, 120_000);
      notes.push(
        `Building the ${P2P.ops.toLocaleString('en-US')}-op context on A (not counted): ${fmtMs(built.ms)}, ${(built.ms / P2P.ops).toFixed(1)} ms per write ` +
          `(sequential contexts.write, each on the current heads; ${built.heads} head(s) at the end; in bench.html without the app's UI). ` +
          `Reopening the app on A until view() shows all ${target.toLocaleString('en-US')} ops: ${fmtMs(stamp() - reopened)}.`,
      );

      // 3. Catch-up: B joins by link; from the join call until B has A's ops and its join op is valid.
      const link = await A.evaluate((id) => window.tabnode!.contexts.open(id).invite({ role: 'writer' }), built.id);
      catchUp = await profiled({ A, B }, 'catch-up', () => B.evaluate(
        async ([link, target, pollMs]) => {
          const n = window.tabnode!;
          const marks: Record<string, number> = {};
          let id: string | undefined;
          let changes = 0;
          let done = false;
          let busy = false;
          let again = false;
          let finish: (r: CatchUp) => void = () => {};
          let failed: (e: Error) => void = () => {};
          const result = new Promise<CatchUp>((resolve, reject) => ((finish = resolve), (failed = reject)));
          // One view() at a time, on every change of the node (changes during a read get one
          // more read after it) and every pollMs in case none comes.
          const check = (): void => {
            if (done || id === undefined) return;
            if (busy) {
              again = true;
              return;
            }
            busy = true;
            const at = performance.now() - start;
            void n.contexts.open(id).view().then(async (v) => {
              busy = false;
              if (done) return;
              if (!marks['a peer linked'] && v.peers.length) marks['a peer linked'] = at;
              if (!marks['peer verified'] && v.peers.some((p) => p.state === 'verified')) marks['peer verified'] = at;
              if (!marks['first ops in'] && v.opCount > 0) marks['first ops in'] = at;
              if (!marks['half the ops in'] && v.opCount >= target / 2) marks['half the ops in'] = at;
              if (!marks['all ops in'] && v.opCount >= target) marks['all ops in'] = at;
              if (v.opCount >= target + 1 && !v.joining) {
                done = true;
                stop();
                clearInterval(timer);
                const t0 = performance.now();
                const again = await n.contexts.open(id!).view();
                finish({
                  ms: at,
                  marks,
                  changes,
                  opCount: v.opCount,
                  bytes: v.peers.reduce((s, p) => s + p.received.bytes, 0),
                  messages: v.peers.reduce((s, p) => s + p.received.messages, 0),
                  ops: v.peers.reduce((s, p) => s + p.received.ops, 0),
                  viewMs: performance.now() - t0,
                  stateRoot: again.stateRoot,
                });
              } else if (at > 120_000) {
                done = true;
                stop();
                clearInterval(timer);
                failed(new Error(`B did not catch up within 120 s (opCount ${v.opCount} of ${target + 1}, joining ${v.joining})`));
              } else if (again) {
                again = false;
                check();
              }
            });
          };
          const stop = n.onChange(() => {
            changes++;
            check();
          });
          const timer = setInterval(check, pollMs);
          const start = performance.now();
          id = await n.contexts.join(link);
          marks['join() returned'] = performance.now() - start;
          check();
          return result;
        },
        [link, target, P2P.pollMs] as const,
      ));
      const aRoot = await A.evaluate(async (id) => (await window.tabnode!.contexts.open(id).view()).stateRoot, built.id);
      if (aRoot !== catchUp.stateRoot) notes.push(`Warning: after catch-up B's state root differs from A's (${catchUp.stateRoot.slice(0, 12)} vs ${aRoot.slice(0, 12)}).`);
      notes.push(
        `Catch-up on B, ms after the join call: ${Object.entries(catchUp.marks)
          .map(([k, v]) => `${k} ${Math.round(v)}`)
          .join(', ')}, caught up (join op valid) ${Math.round(catchUp.ms)}. ` +
          `B received ${fmtBytes(catchUp.bytes)} in ${catchUp.messages} messages: ${catchUp.ops.toLocaleString('en-US')} ops for a history of ${target.toLocaleString('en-US')}` +
          (catchUp.ops > target ? ` (${(catchUp.ops - target).toLocaleString('en-US')} arrived twice)` : '') +
          '. ' +
          `B read view() on each of its node's ${catchUp.changes} onChange calls (one read at a time) and every ${P2P.pollMs} ms; one view() of the caught-up context takes ${catchUp.viewMs.toFixed(1)} ms on B.`,
      );

      // 4. Latency again, inside the 10k-op context, once B had a moment to settle after the catch-up.
      await new Promise((r) => setTimeout(r, P2P.settleMs));
      try {
        big = await profiled({ A, B }, 'latency-10k', () => tabnodeLatency(A, B, built!.id, { samples: P2P.bigSamples, spacingMs: P2P.bigSpacingMs }));
      } catch (e) {
        big = fail(e);
      }
    } catch (e) {
      catchUp = fail(e);
    }

    // 5. Baselines, with the app's node gone from both pages.
    await Promise.all([openBaselinePage(A, app), openBaselinePage(B, app)]);

    let raw: RawPull | string;
    if (typeof catchUp === 'string') raw = 'not measured: no catch-up byte count';
    else {
      try {
        raw = await rawPullBest(A, B, app, catchUp.bytes);
        notes.push(
          `Raw baseline (fastest of ${P2P.rawRuns}): a fresh RTCPeerConnection between the same two pages through the same /signal relay ` +
            `(non-trickle ICE), set up in ${fmtMs(raw.setupMs)}, then ${fmtBytes(raw.bytes)} sent A→B in 16 KiB frames with the Link's 1 MiB / 256 KiB back-pressure in ${fmtMs(raw.transferMs)}.`,
        );
      } catch (e) {
        raw = fail(e);
      }
    }

    let yLat: Latencies | string;
    try {
      // B first, then A once B is in the room: when both announce at once, y-webrtc can lose
      // the connection to offer glare (see src/adapters/webrtc/README.md); then try a new room.
      for (let attempt = 1; ; attempt++) {
        const room = `bench-y-${randomUUID()}`;
        const password = randomUUID();
        await B.evaluate(([url, room, pw]) => window.__p2p!.yJoin(url!, room!, pw!), [app.signalingUrl, room, password] as const);
        await A.evaluate(([url, room, pw]) => window.__p2p!.yJoin(url!, room!, pw!), [app.signalingUrl, room, password] as const);
        const heard = await Promise.all([A.evaluate(() => window.__p2p!.yHello('writer', 5000)), B.evaluate(() => window.__p2p!.yHello('reader', 5000))]);
        if (heard.every(Boolean)) break;
        await Promise.all([A.evaluate(() => window.__p2p!.yLeave()), B.evaluate(() => window.__p2p!.yLeave())]);
        if (attempt === 4) throw new Error('the two pages did not connect over y-webrtc in 4 tries of 5 s');
        notes.push(`y-webrtc: the pages did not connect in try ${attempt}; tried again in a new room.`);
      }
      const sent = await A.evaluate(([count, spacing]) => window.__p2p!.ySend(count!, spacing!), [P2P.warmup + P2P.samples, P2P.spacingMs] as const);
      const total = P2P.warmup + P2P.samples;
      await B.waitForFunction((total) => Object.keys(window.__p2p!.yReceived()).filter((k) => k.startsWith('s')).length >= total, total, { timeout: 15_000, polling: 100 }).catch(() => undefined);
      const received = await B.evaluate(() => window.__p2p!.yReceived());
      await Promise.all([A.evaluate(() => window.__p2p!.yLeave()), B.evaluate(() => window.__p2p!.yLeave())]);
      yLat = latencies(sent, received, (i) => `s${i}`);
    } catch (e) {
      yLat = fail(e);
    }

    // The table.
    const rawName = 'same bytes over a plain RTCDataChannel, connection set-up included';
    rows.push({
      measure: `catch-up of a ${P2P.ops / 1000}k-op context (join call → all ops, join op valid)`,
      ms: typeof catchUp === 'string' ? catchUp : catchUp.ms,
      baseline: rawName,
      baselineMs: typeof raw === 'string' ? raw : raw.totalMs,
      goal: P2P.ops === 10_000 ? { ms: P2P.catchUpGoalMs } : {},
    });
    recordCatchUp(catchUp, raw);
    const yName = (p: number) => `plain y-webrtc, Y.Map set → observe, p${p}`;
    for (const [label, lat] of [
      ['fresh context', small],
      [`${P2P.ops / 1000}k-op context`, big],
    ] as const) {
      if (lat === undefined) continue;
      for (const p of [50, 90]) {
        const value = (l: Latencies | string) => (typeof l === 'string' ? l : l.samples.length < (l.samples.length + l.lost) / 2 ? `not measured: only ${l.samples.length} samples arrived` : percentile(l.samples, p));
        rows.push({
          measure: `propagation p${p}, ${label} (write → B's node shows it)`,
          ms: value(lat),
          baseline: yName(p),
          baselineMs: value(yLat),
          goal: label === 'fresh context' || P2P.ops === 10_000 ? { ratio: P2P.latencyGoalRatio } : {},
        });
        if (p === 50) {
          const ratio = ratioOf(value(lat), value(yLat));
          recordGoal(label === 'fresh context' ? { goal: 'propagation-fresh', figure: ratio } : { goal: 'propagation-10k', figure: tenK() ?? ratio });
        }
      }
    }
    const lost = [small, big, yLat].flatMap((l) => (l && typeof l !== 'string' && l.lost ? [l.lost] : []));
    notes.push(
      `Latency: ${P2P.samples} samples after ${P2P.warmup} warm-up ones, one write every ${P2P.spacingMs} ms (Tabnode: after the previous write resolved; ` +
        `in the ${P2P.ops / 1000}k-op context ${P2P.bigSamples} samples ${P2P.bigSpacingMs} ms apart, so B can settle between them, starting ${P2P.settleMs / 1000} s after the catch-up); ` +
        `send and receive stamped with performance.timeOrigin + performance.now() in each page (one machine clock). ` +
        `Tabnode: A stamps before contexts.write; B reads view() on each onChange of its node (one read at a time) and stamps the first read that shows the key. y-webrtc: A sets a Y.Map key, B stamps its observe event; ` +
        `same pages, same /signal relay, a fresh Y.Doc with a room password.` +
        (lost.length ? ` Samples lost: ${lost.join(', ')}.` : '') +
        [['fresh context', small] as const, [`${P2P.ops / 1000}k-op context`, big] as const]
          .flatMap(([label, l]) =>
            l && typeof l !== 'string' && l.writeMs !== undefined ? [` A's contexts.write resolved in a median ${l.writeMs.toFixed(1)} ms (${label})${l.wire ? `; ${l.wire}` : ''}.`] : [],
          )
          .join(''),
    );
  } finally {
    await close();
    await app.close();
  }
  return { rows, notes };
}
