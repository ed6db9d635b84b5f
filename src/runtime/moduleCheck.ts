import { ABI_V1, type AbiFunction } from './abi.ts';
import { RuntimeError } from './errors.ts';
import type { RuntimeLimits } from './limits.ts';
import { WasmFormatError, formatSignature, readModuleShape, type Limits } from './wasmSections.ts';

/** How the module's memory is provided. */
export interface MemoryPlan {
  /**
   * `own`: the module defines its memory (and must export it as `memory`); `imported`: it
   * imports `env.memory` and the host creates one per call; `none`: no memory at all.
   */
  kind: 'own' | 'imported' | 'none';
  /** Pages at instantiation. */
  initial: number;
  /** The most pages the memory can ever have (≤ the cap). */
  maximum: number;
}

// Imports some toolchains add for clocks and randomness: named in the error so the fix is clear.
const NONDETERMINISTIC = /seed|random|date|time|clock|now|performance|fetch|socket|wasi/i;

/**
 * Check a module's imports and memory before compiling it: only ABI v1 imports with their
 * exact signatures, at most one memory, with a maximum within the cap. Throws RuntimeError
 * ('bad-module' or 'memory') with what to change.
 */
export function checkModule(bytes: Uint8Array, limits: RuntimeLimits): MemoryPlan {
  if (bytes.length > limits.moduleBytes) {
    throw new RuntimeError('bad-module', `the module is ${bytes.length} bytes, over the limit of ${limits.moduleBytes}; build it with optimization (asc -O3 --shrinkLevel 1)`);
  }
  let shape;
  try {
    shape = readModuleShape(bytes);
  } catch (error) {
    if (error instanceof WasmFormatError) throw new RuntimeError('bad-module', `not a usable WebAssembly module: ${error.message}`);
    throw error;
  }

  const unknown: string[] = [];
  let importedMemory: Limits | null = null;
  for (const entry of shape.imports) {
    const where = `${entry.module}.${entry.name}`;
    if (entry.module === 'env' && entry.kind === 'memory' && entry.name === 'memory') {
      importedMemory = entry.limits;
      continue;
    }
    if (entry.module === 'env' && entry.kind === 'function' && Object.hasOwn(ABI_V1, entry.name)) {
      const expected = ABI_V1[entry.name as AbiFunction];
      const actual = formatSignature(entry.signature);
      if (actual !== expected) {
        throw new RuntimeError('bad-module', `the module imports ${where} as ${actual}; ABI v1 defines it as ${expected} (docs/abi.md)`);
      }
      continue;
    }
    unknown.push(`${where} (${entry.kind})`);
  }
  if (unknown.length > 0) {
    const hint = unknown.some((name) => NONDETERMINISTIC.test(name))
      ? ' Apps get no clock, randomness or network (calls must be deterministic): take time or random values as call input.'
      : '';
    throw new RuntimeError('bad-module', `the module imports what ABI v1 does not offer: ${unknown.join(', ')}.${hint} See docs/abi.md.`);
  }

  for (const table of shape.tables) {
    if (table.max === null || table.max > limits.tableEntries) {
      throw new RuntimeError('bad-module', `a table declares ${table.max === null ? 'no maximum' : `a maximum of ${table.max} entries`}; tables must declare a maximum of at most ${limits.tableEntries}`);
    }
  }
  for (const entry of shape.imports) {
    if (entry.kind === 'table') throw new RuntimeError('bad-module', `the module imports a table (${entry.module}.${entry.name}); ABI v1 provides none`);
  }

  const memories = shape.memories.length + (importedMemory ? 1 : 0);
  if (memories > 1) throw new RuntimeError('bad-module', `the module has ${memories} memories; ABI v1 allows one`);
  const memory = importedMemory ?? shape.memories[0];
  if (!memory) return { kind: 'none', initial: 0, maximum: 0 };

  const cap = limits.memoryPages;
  const capText = `${(cap * 65536) / (1024 * 1024)} MiB (${cap} pages)`;
  if (memory.wide) throw new RuntimeError('bad-module', 'the module uses 64-bit memory (memory64); only 32-bit memory is accepted');
  if (memory.shared) throw new RuntimeError('bad-module', 'the module declares shared memory (threads); it is not accepted: runs must be deterministic');
  if (memory.min > cap) {
    throw new RuntimeError('memory', `the module starts with ${memory.min} pages of memory, over the cap of ${capText}`);
  }
  if (importedMemory) {
    // We create the memory, so we set its maximum: the smaller of the cap and what the module accepts.
    const maximum = Math.min(cap, memory.max ?? cap);
    return { kind: 'imported', initial: memory.min, maximum };
  }
  if (memory.max === null) {
    throw new RuntimeError('memory', `the module declares no memory maximum; declare one of at most ${capText} (asc --maximumMemory ${cap}) or import env.memory (asc --importMemory)`);
  }
  if (memory.max > cap) {
    throw new RuntimeError('memory', `the module declares a memory maximum of ${memory.max} pages, over the cap of ${capText} (asc --maximumMemory ${cap})`);
  }
  return { kind: 'own', initial: memory.min, maximum: memory.max };
}
