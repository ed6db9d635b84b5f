// Decides whether installed dependencies and the built app are out of date.
// Plain Node ESM with no dependencies: scripts/start.mjs runs it before `npm ci`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Files and folders whose changes require a new `vite build`. */
export const BUILD_INPUTS = ['src', 'public', 'apps', 'build', 'index.html', 'vite.config.ts', 'package-lock.json'];

/** @typedef {{ outDir: string, inputs: readonly string[] }} Build */

/** The production build (`vite build`): the app alone. @type {Build} */
export const APP_BUILD = { outDir: 'dist', inputs: BUILD_INPUTS };

/** The benchmark build (`vite build --config vite.bench.config.ts`): the app and bench.html. @type {Build} */
export const BENCH_BUILD = { outDir: 'dist-bench', inputs: [...BUILD_INPUTS, 'bench.html', 'bench', 'vite.bench.config.ts'] };

/** @typedef {{ stale: boolean, reason: string }} Freshness */

/**
 * Dependencies are stale when node_modules is missing or the lockfile (package.json when
 * there is none) changed after the last install (npm rewrites node_modules/.package-lock.json).
 * @param {string} root
 * @returns {Freshness}
 */
export function dependencyFreshness(root) {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return { stale: true, reason: 'node_modules is missing' };
  const manifest = existsSync(join(root, 'package-lock.json')) ? 'package-lock.json' : 'package.json';
  if (statSync(join(root, manifest)).mtimeMs > statSync(marker).mtimeMs) {
    return { stale: true, reason: `${manifest} changed since the last install` };
  }
  return { stale: false, reason: 'node_modules is up to date' };
}

/**
 * The build is stale when its index.html is missing or older than any of its inputs.
 * @param {string} root
 * @param {Build} [build]
 * @returns {Freshness}
 */
export function buildFreshness(root, build = APP_BUILD) {
  const stamp = join(root, build.outDir, 'index.html');
  if (!existsSync(stamp)) return { stale: true, reason: `${build.outDir}/ has not been built` };
  const builtAt = statSync(stamp).mtimeMs;
  for (const input of build.inputs) {
    const newer = findNewer(join(root, input), builtAt);
    if (newer) return { stale: true, reason: `${relative(root, newer)} changed since the last build` };
  }
  return { stale: false, reason: `${build.outDir}/ is up to date` };
}

/**
 * The first file under `path` modified after `time`, if any.
 * @param {string} path
 * @param {number} time
 * @returns {string | undefined}
 */
function findNewer(path, time) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return undefined; // optional inputs (bench/, public/) may not exist
  }
  if (!stats.isDirectory()) return stats.mtimeMs > time ? path : undefined;
  for (const entry of readdirSync(path)) {
    const found = findNewer(join(path, entry), time);
    if (found) return found;
  }
  return undefined;
}
