// Types for scripts/freshness.mjs (plain ESM so it runs before dependencies are installed).
export interface Freshness {
  stale: boolean;
  /** Why, for a one-line log message, e.g. "src/main.tsx changed since the last build". */
  reason: string;
}

export interface Build {
  outDir: string;
  inputs: readonly string[];
}

export declare const BUILD_INPUTS: readonly string[];
export declare const APP_BUILD: Build;
export declare const BENCH_BUILD: Build;
export declare function dependencyFreshness(root: string): Freshness;
export declare function buildFreshness(root: string, build?: Build): Freshness;
