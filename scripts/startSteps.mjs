// The steps `npm start` takes before it runs the server, each with the line it prints first
// (`npm test` takes the install step too).
// Plain Node ESM with no dependencies: scripts/start.mjs runs it before `npm ci`.
// Each step is decided only when its turn comes (the WASM apps change what the app build
// depends on), so START_STEPS holds functions that answer a step or null (nothing to do).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildFreshness, dependencyFreshness } from './freshness.mjs';

/** @typedef {{ announce: string, command: string, args: string[], what: string }} StartStep */

/**
 * `npm ci` (or `npm install` without a lockfile) when node_modules is missing or stale.
 * @param {string} root
 * @returns {StartStep | null}
 */
export function installStep(root) {
  const deps = dependencyFreshness(root);
  if (!deps.stale) return null;
  const command = existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install';
  const firstRun = !existsSync(join(root, 'node_modules'));
  const announce = firstRun ? 'Installing dependencies (first run, about a minute)…' : `Updating dependencies (npm ${command}): ${deps.reason}…`;
  return { announce, command: 'npm', args: [command], what: `npm ${command}` };
}

/**
 * The shipped WASM apps only: the runtime's test modules are for `npm test` (about 20 s more).
 * A no-op inside build-apps when nothing changed.
 * @param {string} _root
 * @param {string} node the Node executable
 * @returns {StartStep}
 */
export function shippedAppsStep(_root, node) {
  return { announce: 'Building the WASM apps (skipped when unchanged)…', command: node, args: ['scripts/build-apps.mjs', '--only=apps'], what: 'building the WASM apps' };
}

/**
 * `vite build` when dist/ is older than its inputs.
 * @param {string} root
 * @param {string} node the Node executable
 * @returns {StartStep | null}
 */
export function appBuildStep(root, node) {
  const build = buildFreshness(root);
  if (!build.stale) return null;
  return { announce: `Building the app (vite build, about half a minute): ${build.reason}…`, command: node, args: ['node_modules/vite/bin/vite.js', 'build'], what: 'vite build' };
}

/** In order. @type {readonly ((root: string, node: string) => StartStep | null)[]} */
export const START_STEPS = [installStep, shippedAppsStep, appBuildStep];
