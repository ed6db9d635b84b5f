// A worker thread of `npm run fuzz`: fuzzes the targets the main thread hands it, one at a
// time, and keeps the input in flight in shared memory so a hang can be reported with it.
import { parentPort, workerData } from 'node:worker_threads';
import { fuzzTarget } from './runTarget.ts';
import { targetNamed } from './targets/index.ts';
import { SLOT_HEADER, type Job, type WorkerReport } from './workerProtocol.ts';

const port = parentPort!;
const slot = new Uint8Array(workerData.slot as SharedArrayBuffer);
const slotLength = new DataView(slot.buffer);

port.on('message', async (job: Job) => {
  const post = (m: WorkerReport) => port.postMessage(m);
  try {
    const report = await fuzzTarget(targetNamed(job.name), {
      runs: job.runs,
      seed: job.seed,
      onProgress: (inputs) => post({ type: 'progress', name: job.name, inputs }),
      onInput(input) {
        const n = Math.min(input.length, slot.length - SLOT_HEADER);
        slotLength.setUint32(0, n);
        slot.set(input.subarray(0, n), SLOT_HEADER);
      },
    });
    post({ type: 'done', report });
  } catch (error) {
    post({ type: 'failed', name: job.name, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
