import type * as Y from 'yjs';
import { draftUpdate } from '../core/state/draft.ts';
import { UnboundHostCall, hostFunctions, type CallScope, type HostBinding } from './abi.ts';
import { RuntimeError } from './errors.ts';
import type { RuntimeLimits } from './limits.ts';
import type { MemoryPlan } from './moduleCheck.ts';
import type { MethodKind } from './types.ts';

const encoder = new TextEncoder();
// Calls mostly come from the same member: keep the last executor's bytes.
let lastExecutor: [string, Uint8Array] = ['', new Uint8Array()];

function executorBytes(executor: string): Uint8Array {
  if (lastExecutor[0] !== executor) lastExecutor = [executor, encoder.encode(executor)];
  return lastExecutor[1];
}

/** A fresh scope for one call, which started at `now` (performance.now()). */
export function createScope(kind: MethodKind, limits: RuntimeLimits, timeoutMs: number, fields: {
  input: Uint8Array;
  executor: string;
  contextId: Uint8Array;
  privateBase: ReadonlyMap<string, Uint8Array>;
}, now: number = performance.now()): CallScope {
  return {
    kind,
    limits,
    deadline: now + timeoutMs,
    finishedAt: 0,
    input: fields.input,
    executor: executorBytes(fields.executor),
    contextId: fields.contextId,
    draft: null,
    privateBase: fields.privateBase,
    privateWrites: new Map(),
    privateWriteCalls: 0,
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

/** A pristine instance (only its start function has run) and the memory it uses. */
interface Fresh {
  instance: WebAssembly.Instance;
  memory: WebAssembly.Memory | null;
}

/**
 * Runs calls of one compiled module: every call gets a pristine instance.
 *
 * Why a fresh instance per call: nothing an earlier call left in memory or globals can
 * change this call's writes, so a re-run on another peer (verifiable execution) sees what
 * the first run saw, and a trap never leaves a half-updated module behind.
 *
 * What keeps that cheap:
 * - Imported memories are reused: creating a WebAssembly.Memory costs far more than
 *   instantiating (V8 reserves gigabytes of address space per memory, and it adds GC
 *   pressure). A memory that did not grow is zeroed and given to the next instance, whose
 *   data segments are written again at instantiation: the module sees exactly a fresh
 *   memory. A memory that grew is dropped (its size would be visible).
 * - prepare() makes the next instance ahead of time (the worker does it right after posting
 *   a reply). A module whose start function calls the host cannot be prepared (it needs a
 *   call to serve it): it is instantiated inside each call instead, with the same result.
 * - Consecutive views against an unchanged state share one instance: a view cannot write,
 *   nothing re-runs it elsewhere, and all its inputs but leftovers of earlier views of the
 *   same state are the same. The caller names the state with a `reuse` token (a new object
 *   whenever the state or private storage changes); a mutation, another token or none, a
 *   failed view, or a view whose memory grew ends the reuse.
 */
export interface Runner {
  readonly plan: MemoryPlan;
  /**
   * Call `entry` inside a draft of `base`; returns the draft's one Yjs update (null: no write)
   * and the exports. `reuse`: the token of `base`'s current state (and private storage), for
   * views only; without it the call gets a pristine instance.
   */
  invoke(scope: CallScope, entry: string, base: Y.Doc, clientID: number, reuse?: object): { update: Uint8Array | null; exports: WebAssembly.Exports };
  /** Instantiate the next call's instance now, off the call's clock. */
  prepare(): void;
}

/** The least views an instance serves once instances were seen to grow their memory. */
const MIN_VIEWS_PER_INSTANCE = 8;

export function createRunner(module: WebAssembly.Module, plan: MemoryPlan): Runner {
  const binding: HostBinding = { scope: null };
  const env: Record<string, unknown> = hostFunctions(binding);
  const initialBytes = plan.initial * 65536;
  let spareMemory: WebAssembly.Memory | null = null;
  let prepared: Fresh | null = null;
  /** The instance the last view ran in, and the state token it ran against. */
  let kept: { fresh: Fresh; reuse: object; views: number } | null = null;
  /**
   * Views one instance serves before it is let go while its memory can still be recycled:
   * an app that never frees (AssemblyScript's stub runtime) fills its memory view by view,
   * and a memory that grew cannot be given to a fresh instance, so each growth would cost a
   * new WebAssembly.Memory. Learned from the last instance that grew: 3/4 of its views.
   */
  let viewsPerInstance = Infinity;
  let startCallsHost = false;

  function memoryForInstance(): WebAssembly.Memory {
    const memory = spareMemory;
    spareMemory = null; // never shared by two live instances
    if (memory && memory.buffer.byteLength === initialBytes) {
      new Uint8Array(memory.buffer).fill(0);
      return memory;
    }
    return new WebAssembly.Memory({ initial: plan.initial, maximum: plan.maximum });
  }

  function instantiate(onMemory: (memory: WebAssembly.Memory) => void): Fresh {
    let memory: WebAssembly.Memory | null = null;
    if (plan.kind === 'imported') {
      memory = memoryForInstance();
      env.memory = memory;
      onMemory(memory);
    }
    const instance = new WebAssembly.Instance(module, { env: env as WebAssembly.ModuleImports });
    if (plan.kind === 'own') {
      const exported = instance.exports.memory;
      if (!(exported instanceof WebAssembly.Memory)) throw new RuntimeError('bad-module', 'the module must export its memory as "memory" (or import env.memory)');
      memory = exported;
    }
    return { instance, memory };
  }

  function recycle(memory: WebAssembly.Memory | null): void {
    if (plan.kind === 'imported' && memory && memory.buffer.byteLength === initialBytes) spareMemory = memory;
  }

  /** The kept view instance when this call may run in it; otherwise it is let go. */
  function takeKept(scope: CallScope, reuse: object | undefined): { fresh: Fresh; views: number } | null {
    const k = kept;
    kept = null;
    if (k && scope.kind === 'view' && reuse !== undefined && k.reuse === reuse && k.views < viewsPerInstance) return k;
    if (k) recycle(k.fresh.memory);
    return null;
  }

  /** A view that ended well, in memory of its initial size, leaves its instance for the next view of the same state. */
  function keepIfReusable(scope: CallScope, fresh: Fresh | null, views: number, reuse: object | undefined): boolean {
    if (!fresh || scope.kind !== 'view' || reuse === undefined || startCallsHost) return false;
    if (fresh.memory && fresh.memory.buffer.byteLength !== initialBytes) {
      viewsPerInstance = Math.max(MIN_VIEWS_PER_INSTANCE, Math.floor((views * 3) / 4));
      return false;
    }
    kept = { fresh, reuse, views };
    return true;
  }

  return {
    plan,
    invoke(scope, entry, base, clientID, reuse) {
      let exports: WebAssembly.Exports = {};
      let ran: Fresh | null = null;
      let views = 1;
      let ok = false;
      binding.scope = scope;
      try {
        const update = draftUpdate(base, clientID, (draft) => {
          scope.draft = draft;
          const reused = takeKept(scope, reuse);
          let fresh = reused?.fresh ?? null;
          if (reused) views = reused.views + 1;
          if (!fresh) {
            fresh = prepared;
            prepared = null;
          }
          if (fresh) scope.memory = fresh.memory;
          // Not prepared: the start function runs here, serving this call. With an own
          // memory it cannot pass bytes to the host, as the memory is known only afterwards.
          else {
            fresh = instantiate((memory) => (scope.memory = memory));
            // Its start function served this call: each call must see it run (never reused).
            if (scope.hostCalls > 0) startCallsHost = true;
          }
          scope.memory = fresh.memory;
          ran = fresh;
          exports = fresh.instance.exports;
          const fn = exports[entry];
          if (typeof fn !== 'function') throw new RuntimeError('unknown-method', `the module exports no function "${entry}"`);
          (fn as () => unknown)();
        });
        scope.finishedAt = performance.now();
        if (scope.finishedAt > scope.deadline) throw new RuntimeError('timeout', 'the call ran past its time limit; make the method do less work per call');
        ok = true;
        return { update, exports };
      } catch (error) {
        throw classify(error, scope, plan);
      } finally {
        binding.scope = null;
        scope.draft = null;
        if (!(ok && keepIfReusable(scope, ran, views, reuse))) recycle(scope.memory);
      }
    },
    prepare() {
      if (prepared || startCallsHost) return;
      let memory: WebAssembly.Memory | null = null;
      try {
        prepared = instantiate((m) => (memory = m));
      } catch (error) {
        recycle(memory);
        if (error instanceof UnboundHostCall) startCallsHost = true;
        // Anything else fails the same way inside the next call, which reports it.
      }
    },
  };
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
