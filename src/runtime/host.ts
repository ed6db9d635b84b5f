import * as Y from 'yjs';
import { compareUtf8 } from '../core/state/layout.ts';
import { createRunner, createScope, type Runner } from './call.ts';
import { RuntimeError } from './errors.ts';
import type { RuntimeLimits } from './limits.ts';
import { MANIFEST_EXPORT, inputChecker, parseManifest } from './manifest.ts';
import { checkModule, type MemoryPlan } from './moduleCheck.ts';
import type { AppManifest, CallRequest, CallResult, MethodSpec } from './types.ts';

/** A checked, compiled module and its method list. Calls are independent of each other. */
export interface LoadedApp {
  readonly module: WebAssembly.Module;
  readonly memory: MemoryPlan;
  /** Gives each call a pristine instance (see call.ts for how that stays cheap). */
  readonly runner: Runner;
  readonly manifest: AppManifest;
  readonly methods: ReadonlyMap<string, MethodSpec>;
  /** Each method's input check (manifest.ts inputChecker), its argument list read once. */
  readonly inputChecks: ReadonlyMap<string, ReturnType<typeof inputChecker>>;
}

/**
 * Check a module (imports, memory, size), compile it and read its method list by calling
 * `__tabnode_methods` as a view against an empty state. Throws RuntimeError.
 */
export async function loadApp(wasm: Uint8Array, limits: RuntimeLimits): Promise<LoadedApp> {
  const memory = checkModule(wasm, limits);
  let module: WebAssembly.Module;
  try {
    // Asynchronous: browsers refuse synchronous compiles of large modules on the main thread.
    module = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
  } catch (error) {
    throw new RuntimeError('bad-module', `the module does not compile: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!WebAssembly.Module.exports(module).some((e) => e.name === MANIFEST_EXPORT && e.kind === 'function')) {
    throw new RuntimeError('bad-module', `the module does not export ${MANIFEST_EXPORT}; every app lists its methods there (docs/abi.md)`);
  }
  // The method list has its own size cap, which may differ from the return value's.
  const scope = createScope('view', { ...limits, returnBytes: limits.manifestBytes }, limits.callMs, {
    input: new TextEncoder().encode('{}'),
    executor: '',
    contextId: new Uint8Array(32),
    privateBase: new Map(),
  });
  const runner = createRunner(module, memory);
  const empty = new Y.Doc();
  let exports: WebAssembly.Exports;
  try {
    ({ exports } = runner.invoke(scope, MANIFEST_EXPORT, empty, 1));
  } catch (error) {
    if (error instanceof RuntimeError) throw new RuntimeError(error.code, `${MANIFEST_EXPORT} failed: ${error.message}`);
    throw error;
  } finally {
    empty.destroy();
  }
  const params = new Map<string, number>();
  for (const [name, value] of Object.entries(exports)) if (typeof value === 'function') params.set(name, value.length);
  const manifest = parseManifest(scope.output, params, limits);
  return {
    module,
    memory,
    runner,
    manifest,
    methods: new Map(manifest.methods.map((m) => [m.name, m])),
    inputChecks: new Map(manifest.methods.map((m) => [m.name, inputChecker(m)])),
  };
}

/**
 * Run one method against `base` (read, never mutated) and `privateBase`. A mutation's
 * shared writes come back as one Yjs update written as `request.clientID`; the same app,
 * state, input, executor, context and client id always give the same bytes. `reuse` names
 * the current content of `base` and `privateBase` (a new object whenever either changes):
 * views of the same content may then share an instance (see Runner in call.ts).
 */
export function runCall(
  app: LoadedApp,
  base: Y.Doc,
  privateBase: ReadonlyMap<string, Uint8Array>,
  request: CallRequest,
  limits: RuntimeLimits,
  timeoutMs: number = limits.callMs,
  reuse?: object,
): CallResult {
  const started = performance.now();
  const method = app.methods.get(request.method);
  if (!method) {
    const names = [...app.methods.keys()].join(', ') || 'none';
    throw new RuntimeError('unknown-method', `the app has no method ${JSON.stringify(request.method)}; it has: ${names}`);
  }
  checkRequest(request);
  const input = app.inputChecks.get(method.name)!(request.input, limits);
  const scope = createScope(method.kind, limits, Math.min(Math.max(0, timeoutMs), limits.maxCallMs), {
    input,
    executor: request.executor,
    contextId: request.contextId,
    privateBase,
  }, started);
  const { update } = app.runner.invoke(scope, method.name, base, request.clientID, reuse);
  if (update && update.length > limits.updateBytes) {
    throw new RuntimeError('limit', `the call's writes make a ${update.length}-byte update, over the limit of ${limits.updateBytes}; write less per call`);
  }
  return {
    method: method.name,
    kind: method.kind,
    output: scope.output,
    update,
    privateWrites: scope.privateWrites.size === 0 ? [] : [...scope.privateWrites].sort((a, b) => compareUtf8(a[0], b[0])),
    events: scope.events,
    logs: scope.logs,
    usage: {
      ms: scope.finishedAt - started,
      memoryBytes: scope.memory?.buffer.byteLength ?? 0,
      hostCalls: scope.hostCalls,
      reads: scope.reads,
      writes: scope.writes,
      updateBytes: update?.length ?? 0,
    },
  };
}

function checkRequest(request: CallRequest): void {
  if (!(request.contextId instanceof Uint8Array) || request.contextId.length !== 32) {
    throw new RuntimeError('bad-input', 'contextId must be 32 bytes');
  }
  if (typeof request.executor !== 'string' || !request.executor.isWellFormed() || request.executor.length > 1024) {
    throw new RuntimeError('bad-input', 'executor must be a well-formed string of at most 1024 characters (the caller root id)');
  }
  if (!Number.isInteger(request.clientID) || request.clientID < 0 || request.clientID > 0xffffffff) {
    throw new RuntimeError('bad-input', 'clientID must be a uint32 (take it from the WriteSession)');
  }
  if (!(request.input instanceof Uint8Array)) throw new RuntimeError('bad-input', 'input must be a Uint8Array of UTF-8 JSON');
}
