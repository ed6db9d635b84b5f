import { RuntimeError } from '../../src/runtime/errors.ts';
import { withLimits } from '../../src/runtime/limits.ts';
import { checkModule, type MemoryPlan } from '../../src/runtime/moduleCheck.ts';
import { wasmModules } from '../samples/wasm.ts';
import type { FuzzTarget } from '../target.ts';
import { tokens } from '../tokens.ts';

const limits = withLimits();

/** An app binary from a peer (sync `app` message) or an upload, checked before it is compiled. */
export const wasmModuleTarget: FuzzTarget<MemoryPlan> = {
  name: 'wasm-module',
  decoder: 'checkModule, readModuleShape (src/runtime/moduleCheck.ts, wasmSections.ts)',
  seeds: async () => wasmModules(),
  maxInputBytes: 8 * 1024,
  header: Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00),
  dictionary: [...tokens('env', 'memory', 'storage_write', 'input'), ...[0x60, 0x70, 0x6f, 0x63, 0x64, 0x7b, 0x40].map((b) => Uint8Array.of(b))],
  decode: (input) => checkModule(input, limits),
  isRefusal: (error) => error instanceof RuntimeError,
  check(plan) {
    // min > max is left to WebAssembly.compile, which validates what checkModule skips.
    if (plan.maximum > limits.memoryPages || plan.initial > limits.memoryPages) return `a memory plan past the cap: ${JSON.stringify(plan)}`;
    return undefined;
  },
};
