import * as Y from 'yjs';
import { RuntimeError, fromErrorData } from './errors.ts';
import { withLimits } from './limits.ts';
import type { WorkerReply, WorkerRequest } from './protocol.ts';
import type { AppManifest, AppRuntime, CallResult, RuntimeOptions } from './types.ts';

export interface WorkerRuntimeOptions extends RuntimeOptions {
  /** Start a worker running worker.ts (default: the bundled one). */
  createWorker?: () => Worker;
  /**
   * Time past a call's limit before the worker is terminated (default 100 ms). Within it, a
   * module that calls the host gets its 'timeout' from the worker itself, which is cheaper
   * than a restart.
   */
  graceMs?: number;
}

type Job = {
  message: DistributiveOmit<Exclude<WorkerRequest, { type: 'init' }>, 'id'>;
  /** Wall-clock budget from the moment the job is posted; null: none. */
  timeoutMs: number | null;
  resolve(value: unknown): void;
  reject(error: RuntimeError): void;
};
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Parts of the replica's state kept on this side to rebuild a restarted worker; merged past this. */
const MAX_STATE_PARTS = 256;
/** Restarts in a row without one successful reply before the runtime gives up. */
const MAX_CRASHES = 3;

/**
 * The runtime in a dedicated Web Worker, driven from the main thread. Jobs run one at a time
 * in order; a call (or load) that outlives its limit terminates the worker: a new one is
 * started with the last loaded module, the replica's state and private storage, the job
 * rejects with 'timeout', and the jobs after it go on. The main thread never runs app code.
 */
export function createWorkerRuntime(options: WorkerRuntimeOptions = {}): AppRuntime {
  const limits = withLimits(options.limits);
  const graceMs = options.graceMs ?? 100;
  const spawn = options.createWorker ?? (() => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }));

  // What a restarted worker must be given again: confirmed by the old worker's replies.
  let wasm: Uint8Array | null = null;
  let stateParts: Uint8Array[] = [];
  let privateEntries = new Map<string, Uint8Array>();

  const queue: Job[] = [];
  let worker: Worker;
  let ready = false;
  /** The job the worker is on, and when it overruns (performance.now() ms; null: never). */
  let inFlight: { id: number; job: Job; deadline: number | null } | null = null;
  /**
   * One timer watches whatever is in flight, so a call costs no setTimeout/clearTimeout of
   * its own: it is armed for the earliest deadline, and when it fires before the job in
   * flight is due (an earlier job finished) it is armed again for the rest.
   */
  let watchdog: { timer: ReturnType<typeof setTimeout>; at: number } | null = null;
  let nextId = 1;
  let crashes = 0;
  let failure: RuntimeError | null = null;

  start();

  function start(): void {
    ready = false;
    try {
      worker = spawn();
    } catch (error) {
      fail(new RuntimeError('crashed', `the runtime worker could not start: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    worker.onmessage = (event: MessageEvent<WorkerReply>) => onReply(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      crash(`the runtime worker failed: ${event.message || 'it could not load or threw outside a request'}`);
    };
    worker.onmessageerror = () => crash('a message from the runtime worker could not be read');
  }

  function onReply(reply: WorkerReply): void {
    if (reply.type === 'ready') {
      ready = true;
      worker.postMessage({ type: 'init', limits } satisfies WorkerRequest);
      pump();
      return;
    }
    if (!inFlight || reply.id !== inFlight.id) return; // a reply from before a restart
    const { job } = inFlight;
    inFlight = null;
    crashes = 0;
    if (reply.ok) job.resolve(reply.value);
    else job.reject(fromErrorData(reply.error));
    pump();
  }

  function pump(): void {
    if (!ready || inFlight || failure) return;
    const job = queue.shift();
    if (!job) return;
    const id = nextId++;
    const deadline = job.timeoutMs === null ? null : performance.now() + job.timeoutMs + graceMs;
    inFlight = { id, job, deadline };
    watch();
    worker.postMessage({ ...job.message, id } as WorkerRequest);
  }

  function watch(): void {
    const due = inFlight?.deadline;
    if (due == null || (watchdog && watchdog.at <= due)) return;
    if (watchdog) clearTimeout(watchdog.timer);
    watchdog = { timer: setTimeout(onWatchdog, Math.max(0, due - performance.now())), at: due };
  }

  function onWatchdog(): void {
    watchdog = null;
    if (inFlight?.deadline != null && performance.now() >= inFlight.deadline) overrun(inFlight.id);
    else watch();
  }

  function stopWatching(): void {
    if (watchdog) clearTimeout(watchdog.timer);
    watchdog = null;
  }

  function overrun(id: number): void {
    if (!inFlight || inFlight.id !== id) return;
    const { job } = inFlight;
    inFlight = null;
    restart();
    job.reject(new RuntimeError('timeout', `the ${job.message.type === 'load' ? 'module' : 'call'} ran past its time limit of ${job.timeoutMs} ms; the runtime worker was restarted`));
  }

  function crash(why: string): void {
    if (failure) return;
    const job = inFlight?.job;
    inFlight = null;
    if (++crashes > MAX_CRASHES) {
      worker.terminate();
      fail(new RuntimeError('crashed', `${why}; gave up after ${MAX_CRASHES} restarts`));
      job?.reject(new RuntimeError('crashed', why));
      return;
    }
    restart();
    job?.reject(new RuntimeError('crashed', `${why}; the runtime worker was restarted`));
  }

  /** Replace the worker, then give it back what the old one had, ahead of the waiting jobs. */
  function restart(): void {
    worker.terminate();
    const restore: Job[] = [];
    const internal = (message: Job['message']): Job => ({
      message,
      timeoutMs: message.type === 'load' ? limits.callMs : null,
      resolve: () => {},
      // A crash while restoring is retried by crash() itself (up to MAX_CRASHES).
      reject: (error) => error.code !== 'crashed' && fail(new RuntimeError('crashed', `the restarted runtime worker could not be restored: ${error.message}`)),
    });
    if (wasm) restore.push(internal({ type: 'load', wasm }));
    if (stateParts.length > 0) restore.push(internal({ type: 'setState', update: mergedState() }));
    if (privateEntries.size > 0) restore.push(internal({ type: 'setPrivate', entries: [...privateEntries] }));
    queue.unshift(...restore);
    start();
  }

  function fail(error: RuntimeError): void {
    failure = error;
    stopWatching();
    for (const job of queue.splice(0)) job.reject(error);
  }

  function mergedState(): Uint8Array {
    if (stateParts.length > 1) stateParts = [Y.mergeUpdates(stateParts)];
    return stateParts[0]!;
  }

  function enqueue<T>(message: Job['message'], timeoutMs: number | null = null): Promise<T> {
    if (failure) return Promise.reject(failure);
    return new Promise<T>((resolve, reject) => {
      queue.push({ message, timeoutMs, resolve: resolve as (value: unknown) => void, reject });
      pump();
    });
  }

  // The mirrors below are updated after each await: the continuation runs as a microtask
  // right after the reply, before any timer or later reply could restart the worker.
  return {
    async load(bytes) {
      const copy = bytes.slice(); // kept for restarts; the caller may reuse its buffer
      const manifest = await enqueue<AppManifest>({ type: 'load', wasm: copy }, limits.callMs);
      wasm = copy;
      return manifest;
    },
    async setState(fullUpdate) {
      const copy = fullUpdate.slice();
      await enqueue<void>({ type: 'setState', update: copy });
      stateParts = [copy];
    },
    async applyUpdate(update) {
      const copy = update.slice();
      await enqueue<void>({ type: 'applyUpdate', update: copy });
      stateParts.push(copy);
      if (stateParts.length > MAX_STATE_PARTS) mergedState();
    },
    async setPrivate(entries) {
      const copy = entries.map(([key, value]): [string, Uint8Array] => [key, value.slice()]);
      await enqueue<void>({ type: 'setPrivate', entries: copy });
      privateEntries = new Map(copy);
    },
    call(request, callOptions = {}) {
      const timeoutMs = Math.min(callOptions.timeoutMs ?? limits.callMs, limits.maxCallMs);
      const result = enqueue<CallResult>({ type: 'call', request, options: { ...callOptions, timeoutMs } }, timeoutMs);
      if (callOptions.base) return result;
      return result.then((done) => {
        for (const [key, value] of done.privateWrites) {
          if (value === null) privateEntries.delete(key);
          else privateEntries.set(key, value);
        }
        return done;
      });
    },
    close() {
      if (failure?.code === 'closed') return;
      worker?.terminate();
      if (inFlight) {
        inFlight.job.reject(new RuntimeError('closed', 'the runtime was closed during the call'));
        inFlight = null;
      }
      failure = null;
      fail(new RuntimeError('closed', 'the runtime is closed'));
    },
  };
}
