import type { TargetReport } from './runTarget.ts';

/** What the main thread asks of a worker: fuzz one target. */
export interface Job {
  name: string;
  runs: number;
  seed: number;
}

/** What a worker answers. `progress` also tells the watchdog it is alive. */
export type WorkerReport =
  | { type: 'progress'; name: string; inputs: number }
  | { type: 'done'; report: TargetReport }
  | { type: 'failed'; name: string; message: string };

/** Layout of the shared slot holding the input in flight: [length (u32), bytes…]. */
export const SLOT_HEADER = 4;
