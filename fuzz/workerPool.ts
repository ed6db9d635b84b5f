import { Worker } from 'node:worker_threads';
import { toHex } from '../src/core/crypto/index.ts';
import type { Crash, TargetReport } from './runTarget.ts';
import { SLOT_HEADER, type Job, type WorkerReport } from './workerProtocol.ts';

/** A worker silent for this long is stuck on one input: it is stopped and the input reported. */
const HANG_MS = 60_000;
/** Inputs longer than this are reported cut after a hang (targets generate at most 16 KiB). */
const SLOT_BYTES = 64 * 1024;

export interface PoolOptions {
  runs: number;
  seed: number;
  jobs: number;
  /** Each finished target, as it finishes. */
  onReport(report: TargetReport): void;
}

/**
 * Fuzz the named targets in `jobs` worker threads, one target at a time per thread (so a
 * target's run does not depend on the number of threads). Resolves with the harness
 * failures (a worker that died, seeds that do not decode); reports go to `onReport`.
 */
export function fuzzInWorkers(names: string[], options: PoolOptions): Promise<string[]> {
  const { runs, seed } = options;
  const queue = [...names];
  const failures: string[] = [];
  let running = 0;
  return new Promise((resolve) => {
    const finished = () => {
      running--;
      if (running === 0 && queue.length === 0) resolve(failures);
    };
    const startWorker = (): void => {
      const first = queue.shift();
      if (first === undefined) return;
      running++;
      const slot = new SharedArrayBuffer(SLOT_HEADER + SLOT_BYTES);
      const worker = new Worker(new URL('./workerEntry.mjs', import.meta.url), { workerData: { slot } });
      let current = first;
      let lastHeard = Date.now();
      const give = (name: string) => {
        current = name;
        lastHeard = Date.now();
        worker.postMessage({ name, runs, seed } satisfies Job);
      };
      const stop = () => {
        clearInterval(watchdog);
        void worker.terminate();
      };
      const watchdog = setInterval(() => {
        if (Date.now() - lastHeard < HANG_MS) return;
        stop();
        options.onReport(hungReport(current, seed, slot));
        finished();
        startWorker();
      }, 1000);
      worker.on('message', (m: WorkerReport) => {
        lastHeard = Date.now();
        if (m.type === 'progress') return;
        if (m.type === 'failed') failures.push(`${m.name}: the harness failed: ${m.message}`);
        else options.onReport(m.report);
        const following = queue.shift();
        if (following === undefined) {
          stop();
          finished();
        } else {
          give(following);
        }
      });
      worker.on('error', (error) => {
        stop();
        failures.push(`${current}: the worker died: ${error.stack ?? error.message}`);
        finished();
        startWorker();
      });
      give(first);
    };
    if (queue.length === 0) resolve(failures);
    for (let i = 0; i < options.jobs; i++) startWorker();
  });
}

/** A target whose worker hung: the input in flight, read from the shared slot. */
function hungReport(name: string, seed: number, slot: SharedArrayBuffer): TargetReport {
  const length = new DataView(slot).getUint32(0);
  const input = new Uint8Array(slot, SLOT_HEADER, length);
  const crash: Crash = { kind: 'slow', error: `no progress for ${HANG_MS / 1000} s: hung on one input`, detail: '', index: -1, inputHex: toHex(input), count: 1 };
  return { name, seed, inputs: 0, seconds: HANG_MS / 1000, decoded: 0, refused: 0, crashes: 1, distinct: [crash] };
}
