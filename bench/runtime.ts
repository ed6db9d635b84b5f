// App runtime figures for `npm run bench`, in one Chromium profile with two tabs:
// 1. bench.html?runtime (bench/runtimePage.ts): call round trips main thread → runtime worker
//    → main thread against a bare Worker echo of the same request and reply.
// 2. The app on /settings (its UI stays light there), signed in with a fresh identity:
//    sustained kv-store mutations through contexts.call (worker call, sign, verify, IndexedDB)
//    against raw Y.Map.set + IndexedDB put in the bench tab, and against the built-in
//    key/value app on the same node. Timings are only reported, never asserted.
import type { Page } from 'playwright-core';
import { launchPeers, startApp } from '../e2e/harness.ts';
import { BENCH_DIST_DIR } from './benchDist.ts';
import { recordGoal } from './goals.ts';
import { median } from './measure.ts';
import type { RoundTrips } from './runtimePage.ts';
import type { Rated } from './table.ts';

export const RUNTIME = {
  /** Sequential calls per round of the round-trip figure (BENCH_RUNTIME_CALLS). */
  calls: Number(process.env.BENCH_RUNTIME_CALLS ?? 500),
  rounds: 5,
  /** Sequential mutations per round of the sustained-write figure (BENCH_RUNTIME_WRITES). */
  writes: Number(process.env.BENCH_RUNTIME_WRITES ?? 200),
  writeRounds: 3,
  tracedWrites: 50,
  warmupWrites: 20,
  goalRatio: 1.5,
} as const;

export interface RuntimeReport {
  roundTrips: Rated[];
  writes: Rated[];
  notes: string[];
}

// tsx compiles with esbuild's keepNames, which wraps functions in __name(); functions passed
// to page.evaluate run in the page, where that helper does not exist.
const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';

/**
 * In the app tab: stamp messages to and from Web Workers while __workerTrace.on is set, to
 * split a traced pass of writes (after the measured rounds) into worker round trips.
 */
const WORKER_TRACE = `(() => {
const trace = (globalThis.__workerTrace = { on: false, log: [] });
const ids = new WeakMap();
const which = (w) => { if (!ids.has(w)) ids.set(w, ids.size + 1); return ids.get(w); };
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (m, o) { if (trace.on && m && m.id) trace.log.push([performance.now(), 'out', which(this), m.id, m.type + (m.type === 'call' ? ' ' + m.request.method : '')]); return post.call(this, m, o); };
const slot = Object.getOwnPropertyDescriptor(Worker.prototype, 'onmessage');
Object.defineProperty(Worker.prototype, 'onmessage', { configurable: true, get() { return slot.get.call(this); }, set(fn) { const w = this; slot.set.call(this, typeof fn !== 'function' ? fn : (e) => { if (trace.on && e.data && e.data.id) trace.log.push([performance.now(), 'in', which(w), e.data.id, '']); return fn(e); }); } });
})();`;

type TraceEntry = [at: number, dir: 'out' | 'in', worker: number, id: number, kind: string];

/** Median round trip (request posted → reply in) per kind of request. */
function workerRoundTrips(log: TraceEntry[]): Record<string, number> {
  const sent = new Map<string, TraceEntry>();
  const times: Record<string, number[]> = {};
  for (const entry of log) {
    const key = `${entry[2]}/${entry[3]}`;
    if (entry[1] === 'out') sent.set(key, entry);
    else if (sent.has(key)) (times[sent.get(key)![4]] ??= []).push(entry[0] - sent.get(key)![0]);
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}


const fail = (e: unknown) => `not measured: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 160)}`;
const perSec = (n: number, ms: number) => (n * 1000) / ms;

interface Writes {
  ms: number;
  invalid: number;
  /** The slowest single call of the run. */
  maxMs: number;
}

/** `n` sequential contexts.call(id, method, …) in the app page, timed there. */
function appCalls(page: Page, id: string, method: 'set' | 'get', n: number, prefix: string): Promise<Writes> {
  return page.evaluate(
    async ([id, method, n, prefix]) => {
      const node = window.tabnode!;
      let invalid = 0;
      let maxMs = 0;
      const start = performance.now();
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        const out = await node.contexts.open(id).call(method, method === 'set' ? { key: `${prefix}${i}`, value: i } : { key: 'a missing key' });
        maxMs = Math.max(maxMs, performance.now() - t);
        if (method === 'set' && !out.op?.valid) invalid++;
      }
      return { ms: performance.now() - start, invalid, maxMs };
    },
    [id, method, n, prefix] as const,
  );
}

export async function runtimeFigures(): Promise<RuntimeReport> {
  const notes: string[] = [];
  const roundTrips: Rated[] = [];
  const writes: Rated[] = [];
  const app = await startApp({ distDir: BENCH_DIST_DIR });
  const { peers, close } = await launchPeers(1, { app, path: null, name: 'runtime' });
  try {
    const { context, page: bench } = peers[0]!;
    await context.addInitScript({ content: NAME_SHIM });
    await bench.goto(new URL('/bench.html?runtime', app.url).href);
    await bench.waitForFunction(() => window.__runtime !== undefined, null, { timeout: 30_000 });

    // 1. Round trips, in the bench tab alone (the app tab is not open yet).
    const viewName = 'runtime.call: view get of a missing key (kv-store.wasm)';
    const setName = 'runtime.call: mutation set of a new key (info)';
    const echoName = 'bare Worker echo, same request + reply objects';
    const emptyName = 'runtime.setPrivate([]): queue + worker, no app (info)';
    const inlineName = 'the same get, createInlineRuntime(), no worker (info)';
    try {
      const rt: RoundTrips = await bench.evaluate(([calls, rounds]) => window.__runtime!.roundTrips(calls, rounds), [RUNTIME.calls, RUNTIME.rounds] as const);
      const echo = perSec(rt.calls, rt.echoMs);
      roundTrips.push({ measure: viewName, perSec: perSec(rt.calls, rt.viewMs), baseline: echoName, baselinePerSec: echo, goalRatio: RUNTIME.goalRatio });
      recordGoal({ goal: 'wasm-round-trip', figure: rt.viewMs / rt.echoMs, detail: 'view get, kv-store.wasm' });
      roundTrips.push({ measure: inlineName, perSec: perSec(rt.calls, rt.inlineMs), baseline: echoName, baselinePerSec: echo });
      roundTrips.push({ measure: emptyName, perSec: perSec(rt.calls, rt.emptyMs), baseline: echoName, baselinePerSec: echo });
      roundTrips.push({ measure: setName, perSec: perSec(rt.calls, rt.setMs), baseline: echoName, baselinePerSec: echo });
      notes.push(
        `Round trips: ${rt.calls} sequential calls per round, fastest of ${rt.rounds} interleaved rounds after a warm-up one, in bench.html in Chromium; ` +
          `the echo worker replies to each request with the runtime's own result of the same get (input ${rt.inputBytes} B, output ${rt.outputBytes} B), structured-cloned both ways. ` +
          `Info rows: createInlineRuntime() runs the same get on the page's thread (runCall; consecutive views of an unchanged state share one instance, as in the worker); ` +
          `runtime.setPrivate([]) takes the runtime's queue, protocol and worker without app code or a call timer. ` +
          `Inside the worker a view call takes a mean ${(rt.usageMs * 1000).toFixed(0)} µs (its usage.ms, a mean of coarse timer stamps). ` +
          `createWorkerRuntime() + load() of kv-store.wasm (${(rt.wasmBytes / 1024).toFixed(1)} KiB): ${rt.loadMs.toFixed(0)} ms; the first call after it: ${rt.firstCallMs.toFixed(1)} ms.`,
      );
    } catch (e) {
      roundTrips.push({ measure: viewName, perSec: fail(e), baseline: echoName, baselinePerSec: '-', goalRatio: RUNTIME.goalRatio });
      recordGoal({ goal: 'wasm-round-trip', figure: fail(e) });
    }

    // 2. Sustained mutations in the app, in a second tab of the same profile.
    const wasmName = 'contexts.call set, kv-store.wasm context';
    const rawName = 'raw Y.Map.set + IndexedDB put per write, no Dexie';
    const builtinName = 'contexts.call set, built-in key/value app';
    try {
      const page = await context.newPage();
      await page.addInitScript({ content: WORKER_TRACE });
      await page.goto(new URL('/settings', app.url).href);
      await page.waitForFunction(() => window.tabnode !== undefined, null, { timeout: 30_000 });
      const ids = await page.evaluate(async () => {
        const n = window.tabnode!;
        await n.identity.useLocalRoot(n.identity.newPhrase(), 'bench');
        const app = await n.apps.builtinId('kv-store');
        const wasm = await n.contexts.create('bench: kv-store', { app });
        const kv = await n.contexts.create('bench: built-in kv');
        return { wasm, kv };
      });
      if (!new URL(page.url()).pathname.startsWith('/settings')) notes.push(`Note: the app tab moved to ${new URL(page.url()).pathname} after signing in.`);
      // Warm-up: the first call starts the context's app (the WASM one in its worker).
      const warmStart = performance.now();
      await appCalls(page, ids.wasm, 'set', 1, 'warm');
      const firstWasmMs = performance.now() - warmStart;
      await appCalls(page, ids.wasm, 'set', RUNTIME.warmupWrites, 'warm');
      await appCalls(page, ids.kv, 'set', RUNTIME.warmupWrites, 'warm');
      await bench.evaluate((n) => window.__runtime!.rawWrites(n, 'warm'), RUNTIME.warmupWrites);

      const best = { wasm: Infinity, kv: Infinity, raw: Infinity };
      let invalid = 0;
      let maxMs = 0;
      for (let r = 0; r < RUNTIME.writeRounds; r++) {
        const w = await appCalls(page, ids.wasm, 'set', RUNTIME.writes, `r${r}k`);
        const k = await appCalls(page, ids.kv, 'set', RUNTIME.writes, `r${r}k`);
        const raw = await bench.evaluate(([n, prefix]) => window.__runtime!.rawWrites(n, prefix), [RUNTIME.writes, `r${r}k`] as const);
        invalid += w.invalid + k.invalid;
        maxMs = Math.max(maxMs, w.maxMs);
        best.wasm = Math.min(best.wasm, w.ms);
        best.kv = Math.min(best.kv, k.ms);
        best.raw = Math.min(best.raw, raw);
      }
      const views = await appCalls(page, ids.wasm, 'get', RUNTIME.writes, '');
      // A traced pass (not counted): worker round trips seen from the app page during writes.
      await page.evaluate(() => ((globalThis as unknown as { __workerTrace: { on: boolean } }).__workerTrace.on = true));
      const traced = await appCalls(page, ids.wasm, 'set', RUNTIME.tracedWrites, 'traced');
      await new Promise((r) => setTimeout(r, 100));
      const log = await page.evaluate(() => {
        const trace = (globalThis as unknown as { __workerTrace: { on: boolean; log: TraceEntry[] } }).__workerTrace;
        trace.on = false;
        return trace.log.splice(0);
      });
      const trips = workerRoundTrips(log);
      const opCount = await page.evaluate(async (id) => (await window.tabnode!.contexts.open(id).view()).opCount, ids.wasm);
      if (invalid) notes.push(`Warning: ${invalid} of the measured mutations did not yield a valid op.`);
      const wasm = perSec(RUNTIME.writes, best.wasm);
      writes.push({ measure: wasmName, perSec: wasm, baseline: rawName, baselinePerSec: perSec(RUNTIME.writes, best.raw) });
      writes.push({ measure: wasmName, perSec: wasm, baseline: builtinName, baselinePerSec: perSec(RUNTIME.writes, best.kv) });
      notes.push(
        `Mutations: ${RUNTIME.writes} sequential contexts.call(id, 'set', {key, value}) per round (each awaited: a new signed delta op, valid, stored), ` +
          `fastest of ${RUNTIME.writeRounds} rounds interleaving the three after ${RUNTIME.warmupWrites} warm-up writes each, timed in the page; ` +
          `one Chromium profile: the app signed in with a fresh identity on /settings, the raw baseline in a bench.html tab beside it (its own Y.Doc and IndexedDB database, no Dexie). ` +
          `The first call in the new kv-store context (starting its worker) took ${firstWasmMs.toFixed(0)} ms from Node; the slowest measured kv-store set ${maxMs.toFixed(1)} ms; ` +
          `the kv-store context held ${opCount} ops at the end. For comparison, a view (get) through contexts.call on the same context: ` +
          `${(views.ms / RUNTIME.writes).toFixed(2)} ms mean (no signing, nothing stored).`,
      );
      notes.push(
        `Traced pass of ${RUNTIME.tracedWrites} kv-store writes after the measured rounds (${(traced.ms / RUNTIME.tracedWrites).toFixed(2)} ms mean each), worker messages stamped in the app tab (0.1 ms timers): ` +
          `median round trip ${Object.entries(trips)
            .map(([kind, ms]) => `${kind} ${ms.toFixed(2)} ms`)
            .join(', ')} (set: the call of each write; applyUpdate: the verified update fed back to the worker's replica).`,
      );
    } catch (e) {
      writes.push({ measure: wasmName, perSec: fail(e), baseline: rawName, baselinePerSec: '-' });
    }
  } finally {
    await close();
    await app.close();
  }
  return { roundTrips, writes, notes };
}
