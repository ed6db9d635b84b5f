import { createAppHost } from './appHost.ts';
import { RuntimeError } from './errors.ts';
import { withLimits } from './limits.ts';
import type { AppRuntime, RuntimeOptions } from './types.ts';

/**
 * The runtime on the calling thread, without a worker: for Node (tests, tools, re-running
 * calls to verify them). The same host code as the worker.
 *
 * Limitation: JavaScript cannot interrupt WebAssembly running on its own thread, so the
 * time limit is checked only when the module calls a host function (and when the call
 * ends). A loop that never calls the host never stops: run untrusted modules in the worker
 * runtime (createWorkerRuntime), which terminates the worker instead.
 */
export function createInlineRuntime(options: RuntimeOptions = {}): AppRuntime {
  const host = createAppHost(withLimits(options.limits));
  let closed = false;

  function open(): void {
    if (closed) throw new RuntimeError('closed', 'the runtime is closed');
  }

  return {
    async load(wasm) {
      open();
      const manifest = await host.load(wasm);
      host.prepare();
      return manifest;
    },
    async setState(fullUpdate) {
      open();
      host.setState(fullUpdate);
    },
    async applyUpdate(update) {
      open();
      host.applyUpdate(update);
    },
    async setPrivate(entries) {
      open();
      host.setPrivate(entries);
    },
    async call(request, callOptions) {
      open();
      try {
        return host.call(request, callOptions);
      } finally {
        // No idle time to use on this thread; done anyway so both runtimes run the same way.
        host.prepare();
      }
    },
    close() {
      if (closed) return;
      closed = true;
      host.close();
    },
  };
}
