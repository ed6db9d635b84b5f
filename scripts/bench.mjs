#!/usr/bin/env node
// `npm run bench`: install and build what is missing, then run bench/run.ts, which prints
// every figure beside a baseline measured in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium, HOW_TO_INSTALL } from './chromium.mjs';
import { BENCH_BUILD, buildFreshness, dependencyFreshness } from './freshness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (args) => spawnSync(args[0], args.slice(1), { cwd: root, stdio: 'inherit' }).status === 0;

if (dependencyFreshness(root).stale && !run(['npm', existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install'])) process.exit(1);
if (!findChromium()) {
  console.error(HOW_TO_INSTALL);
  process.exit(1);
}
if (!run([process.execPath, 'scripts/build-apps.mjs'])) process.exit(1);
// The production build (its first-load size is one of the figures) and the benchmark
// build (the app and bench.html, served together: vite.bench.config.ts).
if (buildFreshness(root).stale && !run([process.execPath, 'node_modules/vite/bin/vite.js', 'build'])) process.exit(1);
if (buildFreshness(root, BENCH_BUILD).stale && !run([process.execPath, 'node_modules/vite/bin/vite.js', 'build', '--config', 'vite.bench.config.ts'])) process.exit(1);
// `npm run bench -- <name> …` runs only those sections of bench/run.ts.
process.exit(run([process.execPath, '--import', 'tsx', 'bench/run.ts', ...process.argv.slice(2)]) ? 0 : 1);
