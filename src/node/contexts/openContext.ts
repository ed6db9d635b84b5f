/** The running context lives in `./context/` (one job per file); this keeps its import path. */
export { openContext, CONTEXT_TIMINGS, type AnchorClaim, type AnchorHooks, type ContextDeps, type RunningContext } from './context/open.ts';
