// The in-page half of the runtime figures, loaded by bench.html?runtime (bench/runtime.ts
// drives it from Node through window.__runtime): call round trips into the app runtime's
// worker against a bare Worker echo, and the raw Yjs + IndexedDB writes that the app page's
// signed, persisted mutations are held against. No node and no UI run in this page.
import * as Y from 'yjs';
import { createInlineRuntime, createWorkerRuntime, type CallRequest } from '../src/runtime/index.ts';

export interface RoundTrips {
  /** Fastest of the rounds, ms for `calls` sequential calls each. */
  viewMs: number;
  echoMs: number;
  setMs: number;
  /** The same get on createInlineRuntime() in this page: the app work of a call without the worker. */
  inlineMs: number;
  /** runtime.setPrivate([]): the same queue and worker with no app code and no call timer. */
  emptyMs: number;
  /** Mean of the calls' usage.ms (time inside the worker's call; timers are coarse here). */
  usageMs: number;
  calls: number;
  rounds: number;
  /** createWorkerRuntime() until load(kv-store.wasm) resolved, then the first call. */
  loadMs: number;
  firstCallMs: number;
  wasmBytes: number;
  /** Bytes of the request's input and of the reply's output (the rest is the same small object). */
  inputBytes: number;
  outputBytes: number;
}

export interface RuntimeApi {
  roundTrips(calls: number, rounds: number): Promise<RoundTrips>;
  /** `n` sequential Y.Map.set, each update put into IndexedDB in its own transaction; ms. */
  rawWrites(n: number, prefix: string): Promise<number>;
}

declare global {
  interface Window {
    __runtime?: RuntimeApi;
  }
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** A root id of the real length, as a context's executor. */
const EXECUTOR = 'tabnode:local:4vJ9JU1bJJE96FWSJKvHsmmFADCg4gpZQff4P3bkLKi';

async function roundTrips(calls: number, rounds: number): Promise<RoundTrips> {
  const response = await fetch('/apps/kv-store.wasm');
  if (!response.ok) throw new Error(`/apps/kv-store.wasm: HTTP ${response.status} (build it: node scripts/build-apps.mjs, then npx vite build)`);
  const wasm = new Uint8Array(await response.arrayBuffer());

  const started = performance.now();
  const runtime = createWorkerRuntime();
  const echo = new Worker(new URL('./runtimeEchoWorker.ts', import.meta.url), { type: 'module' });
  const inline = createInlineRuntime();
  try {
    const manifest = await runtime.load(wasm);
    const loadMs = performance.now() - started;
    await inline.load(wasm);
    for (const name of ['get', 'set']) if (!manifest.methods.some((m) => m.name === name)) throw new Error(`kv-store.wasm has no method ${name}`);
    const request = (method: string, args: unknown): CallRequest => ({
      method,
      input: json(args),
      executor: EXECUTOR,
      contextId: new Uint8Array(32).fill(7),
      clientID: 4242,
    });
    const get = request('get', { key: 'a missing key' });
    const t0 = performance.now();
    const sample = await runtime.call(get);
    const firstCallMs = performance.now() - t0;
    if (sample.output === null || new TextDecoder().decode(sample.output) !== 'null') throw new Error('kv-store get of a missing key did not return null');

    // The echo worker: replies carry the runtime's real result of the same call.
    const waiting = new Map<number, () => void>();
    echo.onmessage = (e: MessageEvent<{ type: string; id?: number }>) => {
      if (e.data.type === 'ready' || e.data.id === undefined) return;
      waiting.get(e.data.id)?.();
      waiting.delete(e.data.id);
    };
    let nextId = 1;
    const echoCall = (message: Record<string, unknown>) =>
      new Promise<void>((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        echo.postMessage({ ...message, id });
      });
    await echoCall({ type: 'set-reply', reply: sample });

    let usageMs = 0;
    const views = async () => {
      usageMs = 0;
      for (let i = 0; i < calls; i++) usageMs += (await runtime.call(get)).usage.ms;
    };
    const inlines = async () => {
      for (let i = 0; i < calls; i++) await inline.call(get);
    };
    const empties = async () => {
      for (let i = 0; i < calls; i++) await runtime.setPrivate([]);
    };
    const echoes = async () => {
      for (let i = 0; i < calls; i++) await echoCall({ type: 'call', request: get, options: { timeoutMs: 1000 } });
    };
    let setRound = 0;
    const sets = async () => {
      const r = setRound++;
      for (let i = 0; i < calls; i++) {
        const result = await runtime.call(request('set', { key: `r${r}k${i}`, value: i }));
        if (!result.update) throw new Error('kv-store set returned no update');
      }
    };
    const timed = async (run: () => Promise<void>) => {
      const t = performance.now();
      await run();
      return performance.now() - t;
    };
    // A warm-up round, then rounds that interleave them so load on the machine hits each alike.
    await views();
    await echoes();
    await sets();
    await inlines();
    await empties();
    const best = { viewMs: Infinity, echoMs: Infinity, setMs: Infinity, inlineMs: Infinity, emptyMs: Infinity, usageMs: Infinity };
    for (let r = 0; r < rounds; r++) {
      best.echoMs = Math.min(best.echoMs, await timed(echoes));
      const viewMs = await timed(views);
      if (viewMs < best.viewMs) Object.assign(best, { viewMs, usageMs: usageMs / calls });
      best.setMs = Math.min(best.setMs, await timed(sets));
      best.inlineMs = Math.min(best.inlineMs, await timed(inlines));
      best.emptyMs = Math.min(best.emptyMs, await timed(empties));
    }
    return { ...best, calls, rounds, loadMs, firstCallMs, wasmBytes: wasm.length, inputBytes: get.input.length, outputBytes: sample.output.length };
  } finally {
    runtime.close();
    inline.close();
    echo.terminate();
  }
}

let raw: Promise<IDBDatabase> | undefined;

function openRaw(): Promise<IDBDatabase> {
  raw ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(`bench-runtime-raw-${crypto.randomUUID()}`, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('updates', { autoIncrement: true });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('indexedDB.open failed'));
  });
  return raw;
}

const doc = new Y.Doc();
const map = doc.getMap<number>('state');

async function rawWrites(n: number, prefix: string): Promise<number> {
  const db = await openRaw();
  let last: Uint8Array | null = null;
  const onUpdate = (update: Uint8Array) => (last = update);
  doc.on('update', onUpdate);
  try {
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      map.set(`${prefix}${i}`, i);
      const update = last!;
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('updates', 'readwrite');
        tx.objectStore('updates').put(update);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB put failed'));
      });
    }
    return performance.now() - start;
  } finally {
    doc.off('update', onUpdate);
  }
}

window.__runtime = { roundTrips, rawWrites };
