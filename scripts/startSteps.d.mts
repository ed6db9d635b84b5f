// Types for scripts/startSteps.mjs (plain ESM so it runs before dependencies are installed).
export interface StartStep {
  /** The line printed before the step starts. */
  announce: string;
  command: string;
  args: string[];
  /** The step's name in a failure message. */
  what: string;
}

export declare function installStep(root: string): StartStep | null;
export declare function shippedAppsStep(root: string, node: string): StartStep;
export declare function appBuildStep(root: string, node: string): StartStep | null;
export declare const START_STEPS: readonly ((root: string, node: string) => StartStep | null)[];
