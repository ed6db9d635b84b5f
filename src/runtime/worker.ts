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
// Requests are handled strictly in order, also across the asynchronous load: at once when
// nothing is in progress (a call then replies within this task), else after what is.
let chain: Promise<void> = Promise.resolve();
let inProgress = 0;

function run(message: WorkerRequest): Promise<void> {
  inProgress++;
  return handle(message).finally(() => void inProgress--);
}

port.onmessage = (event) => {
  const message = event.data;
  chain = inProgress === 0 ? run(message) : chain.then(() => run(message));
};
port.postMessage({ type: 'ready' });

async function handle(message: WorkerRequest): Promise<void> {
  if (message.type === 'init') {
    host = createAppHost(message.limits);
    return;
  }
  try {
    if (!host) throw new RuntimeError('crashed', 'the worker got a request before init');
    let value: unknown;
    let transfer: Transferable[] = [];
    switch (message.type) {
      case 'load':
        value = await host.load(message.wasm);
        break;
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
        value = result;
        transfer = transferable(result);
        break;
      }
    }
    port.postMessage({ type: 'reply', id: message.id, ok: true, value }, { transfer });
  } catch (error) {
    port.postMessage({ type: 'reply', id: message.id, ok: false, error: toErrorData(error) });
  }
  // While the reply travels: make the next call's instance.
  if (message.type === 'load' || message.type === 'call') host?.prepare();
}

/** Below this, copying a buffer costs less than detaching and moving it. */
const TRANSFER_FROM_BYTES = 16 * 1024;

/** Large buffers made for this result alone move instead of being copied. */
function transferable(result: CallResult): Transferable[] {
  const out: Transferable[] = [];
  for (const bytes of [result.output, result.update]) {
    if (bytes && bytes.byteLength >= TRANSFER_FROM_BYTES && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) out.push(bytes.buffer as ArrayBuffer);
  }
  return out;
}
