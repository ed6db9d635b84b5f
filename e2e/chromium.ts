// The system Chromium and the project's launch flags (scripts/chromium.mjs, shared with `npm run peer`).
import * as helper from '../scripts/chromium.mjs';

export const findChromium = helper.findChromium;
export const CHROMIUM_ARGS: readonly string[] = helper.CHROMIUM_ARGS;
export const HOW_TO_INSTALL: string = helper.HOW_TO_INSTALL;
