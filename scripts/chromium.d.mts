// Types for scripts/chromium.mjs (plain ESM shared by the e2e harness and `npm run peer`).
export declare const HOW_TO_INSTALL: string;
export declare function findChromium(): string | undefined;
export declare const CHROMIUM_ARGS: string[];
