/**
 * Web Worker entry: one context's app runs here, so a runaway module can be stopped by
 * terminating the worker without touching the page. Start it with createWorkerRuntime.
 */
import { createAppHost, type AppHost } from './appHost.ts';
import { RuntimeError, toErrorData } from './errors.ts';
import type { WorkerReply, WorkerRequest } from './protocol.ts';
import type { CallResult } from './types.ts';

// The worker global scope, typed by hand: the project's TypeScript lib is the DOM one.
const port = self as unknown as {
  postMessage(message: WorkerReply, options?: { transfer?: Transferable[] }): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
};

let host: AppHost | null = null;
// Requests are handled strictly in order. Only load is asynchronous: a request that finds
// nothing in progress is handled at once (a call then replies within this task, with no
// promise in between); while a load runs, later requests wait behind it in `chain`.
let chain: Promise<void> | null = null;

port.onmessage = (event) => {
  const message = event.data;
  const pending = chain ? chain.then(() => handle(message)) : handle(message);
  if (!pending) return;
  const next: Promise<void> = pending.finally(() => {
    if (chain === next) chain = null;
  });
  chain = next;
};
port.postMessage({ type: 'ready' });

/** Handle one request; a promise only while a load is in progress. */
function handle(message: WorkerRequest): Promise<void> | void {
  if (message.type === 'init') {
    host = createAppHost(message.limits);
    return;
  }
  if (message.type === 'load') {
    if (!host) return fail(message.id, new RuntimeError('crashed', 'the worker got a request before init'));
    const loading = host;
    return loading.load(message.wasm).then(
      (manifest) => port.postMessage({ type: 'reply', id: message.id, ok: true, value: manifest }),
      (error: unknown) => fail(message.id, error),
    ).finally(() => loading.prepare());
  }
  try {
    if (!host) throw new RuntimeError('crashed', 'the worker got a request before init');
    switch (message.type) {
      case 'setState':
        host.setState(message.update);
        break;
      case 'applyUpdate':
        host.applyUpdate(message.update);
        break;
      case 'setPrivate':
        host.setPrivate(message.entries);
        break;
      case 'call': {
        const result = host.call(message.request, message.options);
        const transfer = transferable(result);
        if (transfer) port.postMessage({ type: 'reply', id: message.id, ok: true, value: result }, { transfer });
        else port.postMessage({ type: 'reply', id: message.id, ok: true, value: result });
        // While the reply travels: make the next call's instance.
        host.prepare();
        return;
      }
    }
    port.postMessage({ type: 'reply', id: message.id, ok: true, value: undefined });
  } catch (error) {
    fail(message.id, error);
    if (message.type === 'call') host?.prepare();
  }
}

function fail(id: number, error: unknown): void {
  port.postMessage({ type: 'reply', id, ok: false, error: toErrorData(error) });
}

/** Below this, copying a buffer costs less than detaching and moving it. */
const TRANSFER_FROM_BYTES = 16 * 1024;

/** Large buffers made for this result alone move instead of being copied (null: none). */
function transferable(result: CallResult): Transferable[] | null {
  let out: Transferable[] | null = null;
  for (const bytes of [result.output, result.update]) {
    if (bytes && bytes.byteLength >= TRANSFER_FROM_BYTES && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) (out ??= []).push(bytes.buffer as ArrayBuffer);
  }
  return out;
}
