import type { RuntimeErrorData } from './errors.ts';
import type { RuntimeLimits } from './limits.ts';
import type { CallOptions, CallRequest } from './types.ts';

/** Main thread → worker. Requests carry an id and get exactly one reply. */
export type WorkerRequest =
  | { type: 'init'; limits: RuntimeLimits }
  | { id: number; type: 'load'; wasm: Uint8Array }
  | { id: number; type: 'setState'; update: Uint8Array }
  | { id: number; type: 'applyUpdate'; update: Uint8Array }
  | { id: number; type: 'setPrivate'; entries: [string, Uint8Array][] }
  | { id: number; type: 'call'; request: CallRequest; options: CallOptions };

/** Worker → main thread. `ready` once the worker's code has loaded. */
export type WorkerReply = { type: 'ready' } | { type: 'reply'; id: number; ok: true; value: unknown } | { type: 'reply'; id: number; ok: false; error: RuntimeErrorData };
