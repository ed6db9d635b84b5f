import * as Y from 'yjs';
import { sha256, toHex } from '../../core/crypto/index.ts';
import { RuntimeError, type AppRuntime } from '../../runtime/index.ts';
import { AppCallError, type ContextApp } from './contextApp.ts';

/**
 * A WASM app in a runtime (a Web Worker in browsers): the module is checked against the
 * context's app id before it runs, and the runtime's replica of the state is kept in step
 * with verified state only.
 */
export async function wasmApp(appId: string, bytes: Uint8Array, runtime: AppRuntime): Promise<ContextApp> {
  if (toHex(sha256(bytes)) !== appId) {
    runtime.close();
    throw new AppCallError('bad-module', `the module's SHA-256 is not the context's app id ${appId.slice(0, 12)}…; refusing to run it`);
  }
  const manifest = await runtime.load(bytes);
  let live: Y.Doc | undefined;
  return {
    writer: 'wasm',
    methods: () => manifest.methods,
    async call(method, input, ctx) {
      // Another state than the live one (verifiable execution at an op's parents) goes along.
      const options = ctx.doc === live ? {} : { base: Y.encodeStateAsUpdate(ctx.doc) };
      try {
        const r = await runtime.call({ method, input, executor: ctx.executor, contextId: ctx.contextId, clientID: ctx.clientID }, options);
        return { output: r.output, update: r.update, events: r.events, privateWrites: r.privateWrites, logs: r.logs };
      } catch (e) {
        if (e instanceof RuntimeError) throw new AppCallError(e.code, e.message);
        throw e;
      }
    },
    stateChanged(doc, update) {
      // Failures surface on the next call (the runtime reports its state as bad there).
      if (doc !== live || update === null) {
        live = doc;
        runtime.setState(Y.encodeStateAsUpdate(doc)).catch(() => undefined);
      } else {
        runtime.applyUpdate(update).catch(() => undefined);
      }
    },
    setPrivate(entries) {
      runtime.setPrivate(entries).catch(() => undefined);
    },
    close: () => runtime.close(),
  };
}
