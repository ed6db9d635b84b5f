import * as Y from 'yjs';
import { RuntimeError } from './errors.ts';
import { loadApp, runCall, type LoadedApp } from './host.ts';
import type { RuntimeLimits } from './limits.ts';
import type { AppManifest, CallOptions, CallRequest, CallResult } from './types.ts';

/**
 * The runtime's state for one context, synchronous: the loaded app, a replica of the
 * shared state and this member's private storage. The inline runtime wraps it directly;
 * the worker runs one inside a Web Worker. Same code both ways.
 */
export interface AppHost {
  load(wasm: Uint8Array): Promise<AppManifest>;
  setState(fullUpdate: Uint8Array): void;
  applyUpdate(update: Uint8Array): void;
  setPrivate(entries: [string, Uint8Array][]): void;
  call(request: CallRequest, options?: CallOptions): CallResult;
  /** Get the next call's instance ready now, when nothing waits (see Runner.prepare). */
  prepare(): void;
  /** Drop the replica and the module. */
  close(): void;
}

export function createAppHost(limits: RuntimeLimits): AppHost {
  let app: LoadedApp | null = null;
  let doc = new Y.Doc();
  let privateStore = new Map<string, Uint8Array>();
  /** Names the replica's and private storage's current content: replaced on every change. */
  let contentToken = {};

  function applyTo(target: Y.Doc, update: Uint8Array): void {
    try {
      Y.applyUpdate(target, update);
    } catch (error) {
      throw new RuntimeError('bad-state', `the state update could not be applied: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  return {
    async load(wasm) {
      app = await loadApp(wasm, limits);
      contentToken = {};
      return app.manifest;
    },
    setState(fullUpdate) {
      const next = new Y.Doc();
      applyTo(next, fullUpdate);
      doc.destroy();
      doc = next;
      contentToken = {};
    },
    applyUpdate(update) {
      contentToken = {}; // also when applying fails halfway
      applyTo(doc, update);
    },
    setPrivate(entries) {
      privateStore = new Map(entries.map(([key, value]) => [key, value.slice()]));
      contentToken = {};
    },
    call(request, options = {}) {
      if (!app) throw new RuntimeError('not-loaded', 'no app is loaded; call load(wasm) first');
      const timeoutMs = options.timeoutMs ?? limits.callMs;
      if (options.base) {
        // A re-run against another state (verifiable execution): no private storage, nothing kept.
        const base = new Y.Doc();
        try {
          applyTo(base, options.base);
          return runCall(app, base, new Map(), request, limits, timeoutMs);
        } finally {
          base.destroy();
        }
      }
      const result = runCall(app, doc, privateStore, request, limits, timeoutMs, contentToken);
      if (result.privateWrites.length) contentToken = {};
      for (const [key, value] of result.privateWrites) {
        if (value === null) privateStore.delete(key);
        else privateStore.set(key, value);
      }
      return result;
    },
    prepare() {
      app?.runner.prepare();
    },
    close() {
      app = null;
      doc.destroy();
      privateStore.clear();
    },
  };
}
