import type * as Y from 'yjs';
import { draftUpdate } from '../core/state/draft.ts';
import { hostFunctions, type CallScope } from './abi.ts';
import { RuntimeError } from './errors.ts';
import type { RuntimeLimits } from './limits.ts';
import type { MemoryPlan } from './moduleCheck.ts';
import type { MethodKind } from './types.ts';

/**
 * Memories for a module that imports `env.memory`, reused between calls.
 *
 * Why: creating a WebAssembly.Memory costs far more than instantiating (V8 reserves gigabytes
 * of address space per memory; a few hundred microseconds, and GC pressure), while a call
 * typically runs in its initial page or two. A memory that did not grow is zeroed and handed
 * to the next instance, whose data segments are written again at instantiation: the module
 * sees exactly a fresh memory. A memory that grew is dropped (its size would be visible).
 */
export interface MemorySource {
  take(): WebAssembly.Memory;
  give(memory: WebAssembly.Memory): void;
}

export function createMemorySource(plan: MemoryPlan): MemorySource {
  let spare: WebAssembly.Memory | null = null;
  const initialBytes = plan.initial * 65536;
  return {
    take() {
      const memory = spare;
      spare = null; // never shared by two live instances
      if (memory && memory.buffer.byteLength === initialBytes) {
        new Uint8Array(memory.buffer).fill(0);
        return memory;
      }
      return new WebAssembly.Memory({ initial: plan.initial, maximum: plan.maximum });
    },
    give(memory) {
      if (memory.buffer.byteLength === initialBytes) spare = memory;
    },
  };
}

/** What one invocation needs besides the scope. */
export interface Invocation {
  module: WebAssembly.Module;
  memory: MemoryPlan;
  /** Where imported memories come from (plans of kind 'imported'). */
  memories?: MemorySource;
  /** The export to call (a method, or __tabnode_methods). */
  entry: string;
  base: Y.Doc;
  clientID: number;
}

const encoder = new TextEncoder();

/** A fresh scope for one call. */
export function createScope(kind: MethodKind, limits: RuntimeLimits, timeoutMs: number, fields: {
  input: Uint8Array;
  executor: string;
  contextId: Uint8Array;
  privateBase: ReadonlyMap<string, Uint8Array>;
}): CallScope {
  return {
    kind,
    limits,
    deadline: performance.now() + timeoutMs,
    input: fields.input,
    executor: encoder.encode(fields.executor),
    contextId: fields.contextId,
    draft: null,
    privateBase: fields.privateBase,
    privateWrites: new Map(),
    registers: new Map(),
    sortedKeys: null,
    memory: null,
    output: null,
    events: [],
    eventBytes: 0,
    logs: [],
    logBytes: 0,
    hostCalls: 0,
    reads: 0,
    writes: 0,
  };
}

/**
 * Instantiate the module afresh and call one export inside a draft of `base`; returns the
 * draft's one Yjs update (null: nothing written) and the instance's exports.
 *
 * Why a fresh instance per call: nothing an earlier call left in memory or globals can
 * change this call's writes, so a re-run on another peer (verifiable execution) sees what
 * the first run saw; and a trap never leaves a half-updated module behind. Instantiating a
 * compiled module costs tens of microseconds.
 *
 * Any failure throws RuntimeError, and nothing is written: `base` is never touched, and the
 * scope's collected writes are dropped with it.
 */
export function invoke(call: Invocation, scope: CallScope): { update: Uint8Array | null; exports: WebAssembly.Exports } {
  const env: Record<string, unknown> = hostFunctions(scope);
  const plan = call.memory;
  let exports: WebAssembly.Exports = {};
  try {
    if (plan.kind === 'imported') {
      scope.memory = call.memories ? call.memories.take() : new WebAssembly.Memory({ initial: plan.initial, maximum: plan.maximum });
      env.memory = scope.memory;
    }
    const update = draftUpdate(call.base, call.clientID, (draft) => {
      scope.draft = draft;
      // The start function (top-level statements) runs here; with an own memory it cannot
      // pass bytes to the host yet, since the memory is known only once instantiation ends.
      const instance = new WebAssembly.Instance(call.module, { env: env as WebAssembly.ModuleImports });
      exports = instance.exports;
      if (plan.kind === 'own') {
        const memory = exports.memory;
        if (!(memory instanceof WebAssembly.Memory)) throw new RuntimeError('bad-module', 'the module must export its memory as "memory" (or import env.memory)');
        scope.memory = memory;
      }
      const fn = exports[call.entry];
      if (typeof fn !== 'function') throw new RuntimeError('unknown-method', `the module exports no function "${call.entry}"`);
      (fn as () => unknown)();
    });
    if (performance.now() > scope.deadline) throw new RuntimeError('timeout', 'the call ran past its time limit; make the method do less work per call');
    return { update, exports };
  } catch (error) {
    throw classify(error, scope, plan);
  } finally {
    scope.draft = null;
    if (plan.kind === 'imported' && scope.memory && call.memories) call.memories.give(scope.memory);
  }
}

/** Turn whatever the engine threw into a RuntimeError with a code and a useful message. */
function classify(error: unknown, scope: CallScope, plan: MemoryPlan): RuntimeError {
  if (error instanceof RuntimeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const pages = scope.memory ? scope.memory.buffer.byteLength / 65536 : 0;
  const used = `${mib(pages)} of its ${mib(plan.maximum)} MiB maximum`;
  if (error instanceof WebAssembly.RuntimeError) {
    // AssemblyScript's allocators execute `unreachable` when memory.grow fails. Memory
    // doubles as it grows, so a failed grow leaves more than half the maximum in use.
    if (/unreachable/i.test(message) && plan.maximum > 0 && pages * 2 > plan.maximum) {
      return new RuntimeError('memory', `the app ran out of memory (it uses ${used}; cap ${mib(scope.limits.memoryPages)} MiB) and trapped: ${message}`);
    }
    const hint = /unreachable/i.test(message) ? ` (AssemblyScript also traps this way when an allocation does not fit: the module uses ${used})` : '';
    return new RuntimeError('trap', `the app trapped: ${message}${hint}`);
  }
  if (error instanceof RangeError) {
    if (/call stack/i.test(message)) return new RuntimeError('trap', `the app overflowed the stack (runaway recursion?): ${message}`);
    if (/memory/i.test(message)) return new RuntimeError('memory', `the engine could not give the app its memory: ${message}`);
  }
  if (error instanceof WebAssembly.LinkError) return new RuntimeError('bad-module', `the module does not link against ABI v1: ${message}`);
  if (error instanceof WebAssembly.CompileError) return new RuntimeError('bad-module', `the module does not compile: ${message}`);
  return new RuntimeError('trap', `the call failed inside the host: ${message}`);
}

function mib(pages: number): number {
  return Math.round((pages * 65536 * 10) / (1024 * 1024)) / 10;
}
