import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { RuntimeError } from './errors.ts';
import type { AppRuntime, CallRequest } from './types.ts';
import { createWorkerRuntime } from './workerRuntime.ts';

/*
 * The worker runtime in a real Chromium with a real Web Worker (worker.ts bundled by Vite).
 * The modules come from `node scripts/build-apps.mjs`: Vite's server gives public/apps/ at
 * /apps/ and the rest of the project at its path. A browser test cannot run the build; in
 * one `vitest run` the unit tests build what is missing, so a missing module is waited for
 * a while before failing.
 */
async function wasm(path: string): Promise<Uint8Array> {
  const until = Date.now() + 90_000;
  for (;;) {
    const response = await fetch(path, { cache: 'no-store' });
    if (response.ok) return new Uint8Array(await response.arrayBuffer());
    if (Date.now() > until) throw new Error(`${path}: ${response.status}; build the modules first: node scripts/build-apps.mjs`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
const hostile = () => wasm('/apps/test/build/hostile.wasm');

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let clientID = 5000;
const request = (method: string, input: unknown = {}): CallRequest => ({
  method,
  input: encoder.encode(JSON.stringify(input)),
  executor: 'alice',
  contextId: new Uint8Array(32).fill(9),
  clientID: clientID++,
});
const output = (bytes: Uint8Array | null) => (bytes ? JSON.parse(decoder.decode(bytes)) : undefined);

let runtime: AppRuntime | null = null;
afterEach(() => runtime?.close());
beforeAll(() => wasm('/apps/test/build/hostile.wasm'), 100_000);

describe('worker runtime', () => {
  test('loads an app, keeps its replica in step, calls views and mutations', async () => {
    runtime = createWorkerRuntime();
    const manifest = await runtime.load(await wasm('/apps/kv-store.wasm'));
    expect(manifest.methods.map((m) => m.name)).toEqual(['get', 'set', 'remove', 'entries']);

    const set = await runtime.call(request('set', { key: 'a', value: [1, 2] }));
    expect(set.kind).toBe('mutation');
    expect(set.update).toBeInstanceOf(Uint8Array);
    // Not applied until the node feeds it back as verified.
    expect(output((await runtime.call(request('get', { key: 'a' }))).output)).toBe(null);
    await runtime.applyUpdate(set.update!);
    expect(output((await runtime.call(request('get', { key: 'a' }))).output)).toEqual([1, 2]);

    const doc = new Y.Doc();
    doc.getMap('state').set('b', 'from setState');
    await runtime.setState(Y.encodeStateAsUpdate(doc));
    expect(output((await runtime.call(request('entries'))).output)).toEqual([{ key: 'b', value: 'from setState' }]);
  });

  test('errors cross the worker boundary as RuntimeError with their code', async () => {
    runtime = createWorkerRuntime();
    await runtime.load(await hostile());
    const error = await runtime.call(request('view_write')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error).toMatchObject({ code: 'view-write' });
    await expect(runtime.load(await wasm('/apps/test/build/tiny-no-max.wasm'))).rejects.toMatchObject({ code: 'memory' });
    // The failed load left the previous module in place.
    expect(output((await runtime.call(request('ok'))).output)).toBe('ok');
  });

  test('an endless loop times out, the worker is restarted with module, state and private storage, the page stays responsive', async () => {
    runtime = createWorkerRuntime({ limits: { callMs: 300 } });
    await runtime.load(await hostile());
    const doc = new Y.Doc();
    doc.getMap('state').set('kept', true);
    await runtime.setState(Y.encodeStateAsUpdate(doc));
    await runtime.setPrivate([['note', encoder.encode('kept too')]]);

    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const started = performance.now();
    const error = await runtime.call(request('spin')).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(error).toMatchObject({ code: 'timeout', message: expect.stringMatching(/restarted/) });
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(2000);
    expect(ticks).toBeGreaterThanOrEqual(8); // the main thread kept running its timers

    const next = await runtime.call(request('ok'));
    expect(output(next.output)).toBe('ok');
    expect(output((await runtime.call(request('peek'))).output)).toEqual({ note: 'kept too', bombed: null });
    const probe = await runtime.call(request('ok'));
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
    Y.applyUpdate(replica, probe.update!);
    expect(replica.getMap('state').toJSON()).toEqual({ kept: true, ok: 'yes' });
  });

  test('calls queued behind a runaway call run after the restart, in order', async () => {
    runtime = createWorkerRuntime({ limits: { callMs: 200 } });
    await runtime.load(await hostile());
    const results = await Promise.allSettled([runtime.call(request('spin')), runtime.call(request('ok')), runtime.call(request('view_emit')), runtime.call(request('ok'))]);
    expect(results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as RuntimeError).code))).toEqual(['timeout', 'ok', 'view-write', 'ok']);
  });

  test('a memory bomb fails with "memory" and the next call works', async () => {
    runtime = createWorkerRuntime();
    await runtime.load(await hostile());
    await expect(runtime.call(request('bomb'))).rejects.toMatchObject({ code: 'memory' });
    expect(output((await runtime.call(request('peek'))).output)).toEqual({ note: null, bombed: null });
    expect(output((await runtime.call(request('ok'))).output)).toBe('ok');
  });

  test('a module whose method list never returns times out at load; the previous module stays', async () => {
    runtime = createWorkerRuntime({ limits: { callMs: 200 } });
    await runtime.load(await hostile());
    await expect(runtime.load(await wasm('/apps/test/build/endless-manifest.wasm'))).rejects.toMatchObject({ code: 'timeout' });
    expect(output((await runtime.call(request('ok'))).output)).toBe('ok');
  });

  test('a per-call time limit below the default', async () => {
    runtime = createWorkerRuntime();
    await runtime.load(await hostile());
    const started = performance.now();
    await expect(runtime.call(request('spin'), { timeoutMs: 50 })).rejects.toMatchObject({ code: 'timeout' });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(output((await runtime.call(request('ok'))).output)).toBe('ok');
  });

  test('a worker that cannot start ends the runtime with "crashed" after a few restarts', async () => {
    let started = 0;
    runtime = createWorkerRuntime({
      createWorker: () => {
        started++;
        return new Worker(URL.createObjectURL(new Blob(['throw new Error("broken worker")'], { type: 'text/javascript' })));
      },
    });
    await expect(runtime.load(await hostile())).rejects.toMatchObject({ code: 'crashed', message: expect.stringMatching(/gave up after 3 restarts/) });
    expect(started).toBe(4);
    await expect(runtime.call(request('ok'))).rejects.toMatchObject({ code: 'crashed' });
  });

  test('close rejects pending and later calls', async () => {
    runtime = createWorkerRuntime({ limits: { callMs: 5000 } });
    await runtime.load(await hostile());
    const pending = runtime.call(request('spin'));
    runtime.close();
    await expect(pending).rejects.toMatchObject({ code: 'closed' });
    await expect(runtime.call(request('ok'))).rejects.toMatchObject({ code: 'closed' });
  });
});
