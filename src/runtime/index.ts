export { ABI_V1, ABI_VERSION, type AbiFunction } from './abi.ts';
export { RuntimeError, type RuntimeErrorCode } from './errors.ts';
export { publishedEvents, type PublishedEvent } from './events.ts';
export { loadApp, runCall, type LoadedApp } from './host.ts';
export { createInlineRuntime } from './inlineRuntime.ts';
export { DEFAULT_LIMITS, withLimits, type RuntimeLimits } from './limits.ts';
export { MANIFEST_EXPORT } from './manifest.ts';
export type * from './types.ts';
export { createWorkerRuntime, type WorkerRuntimeOptions } from './workerRuntime.ts';
