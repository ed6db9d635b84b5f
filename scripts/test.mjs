#!/usr/bin/env node
// `npm test`: install what is missing, then typecheck, unit tests (Node), adapter tests
// (real Chromium), and end-to-end tests (real server, several Chromium peers).
// Plain Node with no dependencies, because it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium, HOW_TO_INSTALL } from './chromium.mjs';
import { findTurnserver, HOW_TO_INSTALL_COTURN } from './coturn.mjs';
import { buildFreshness } from './freshness.mjs';
import { installStep } from './startSteps.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });

function say(message) {
  console.log(`\nTabnode test: ${message}`);
}

function run(args, what) {
  const result = spawnSync(args[0], args.slice(1), { cwd: root, stdio: 'inherit' });
  if (result.error) {
    console.error(`${what} could not start: ${result.error.message}`);
    process.exit(1);
  }
  return result.status === 0;
}

const install = installStep(root);
if (install) {
  say(install.announce);
  if (!run([install.command, ...install.args], install.what)) process.exit(1);
}

const chromium = findChromium();
if (!chromium) {
  console.error(`\nTabnode test: ${HOW_TO_INSTALL}`);
  process.exit(1);
}
say(`using Chromium at ${chromium}`);

const turnserver = findTurnserver();
if (!turnserver) {
  console.error(`\nTabnode test: ${HOW_TO_INSTALL_COTURN}`);
  process.exit(1);
}
say(`using coturn at ${turnserver}`);

const node = process.execPath;
const vitest = ['node_modules/vitest/vitest.mjs', 'run'];
const steps = [
  { name: 'typecheck', args: [node, 'node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json'] },
  { name: 'WASM apps', args: [node, 'scripts/build-apps.mjs'] },
  {
    name: 'unit and browser tests',
    args: [node, ...vitest, '--reporter=default', '--reporter=json', `--outputFile.json=${join(results, 'unit.json')}`],
    report: 'unit.json',
  },
  {
    name: 'end-to-end tests',
    args: [node, ...vitest, '--config', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${join(results, 'e2e.json')}`],
    report: 'e2e.json',
  },
];

// After the apps are built (they are copied into dist/), before the end-to-end tests.
steps.splice(3, 0, { name: 'build', args: [node, 'node_modules/vite/bin/vite.js', 'build'], onlyIfStale: true });

let passed = 0;
let failed = 0;
let skipped = 0;
const failedSteps = [];
for (const step of steps) {
  if (step.onlyIfStale && !buildFreshness(root).stale) continue;
  say(step.name);
  const ok = run(step.args, step.name);
  if (step.report && existsSync(join(results, step.report))) {
    const report = JSON.parse(readFileSync(join(results, step.report), 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  }
  if (!ok) failedSteps.push(step.name);
}

console.log(`\nTabnode test: ${failedSteps.length ? `FAILED: ${failedSteps.join(', ')}` : 'all steps passed'}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failedSteps.length ? 1 : 0);
