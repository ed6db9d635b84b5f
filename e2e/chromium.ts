// Typed view of scripts/chromium.mjs (plain ESM shared with the scripts, without declarations).
// @ts-expect-error no type declarations for the plain ESM helper
import * as helper from '../scripts/chromium.mjs';

const typed = helper as {
  findChromium(): string | undefined;
  CHROMIUM_ARGS: string[];
  HOW_TO_INSTALL: string;
};

export const findChromium = typed.findChromium;
export const CHROMIUM_ARGS: readonly string[] = typed.CHROMIUM_ARGS;
export const HOW_TO_INSTALL: string = typed.HOW_TO_INSTALL;
