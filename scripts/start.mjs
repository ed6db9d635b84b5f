#!/usr/bin/env node
// `npm start`: install dependencies and build the app when they are out of date, then run
// the server. Plain Node with no dependencies, because it runs before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFreshness, dependencyFreshness } from './freshness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const MIN_NODE = [20, 19];

function say(message) {
  console.log(`Tabnode: ${message}`);
}

function fail(message, code = 1) {
  console.error(`Tabnode: ${message}`);
  process.exit(code);
}

/** Runs a command to completion with inherited output; exits this process if it fails. */
function run(command, args, what) {
  // npm is a .cmd shim on Windows, which only a shell can start.
  const shell = process.platform === 'win32' && command === 'npm';
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell });
  if (result.error) fail(`${what} could not start: ${result.error.message}`);
  if (result.status !== 0) fail(`${what} failed (exit code ${result.status ?? result.signal}); see the output above`);
}

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
  fail(`Node ${MIN_NODE.join('.')} or newer is required, this is ${process.versions.node}`);
}

const deps = dependencyFreshness(root);
if (deps.stale) {
  const args = existsSync(join(root, 'package-lock.json')) ? ['ci'] : ['install'];
  say(`installing dependencies (npm ${args[0]}): ${deps.reason}`);
  run('npm', args, `npm ${args[0]}`);
}

// The WASM apps (AssemblyScript, compiled offline); a no-op when nothing changed.
run(process.execPath, ['scripts/build-apps.mjs'], 'building the WASM apps');

const build = buildFreshness(root);
if (build.stale) {
  say(`building the app (vite build): ${build.reason}`);
  run(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], 'vite build');
}

say('starting the server');
// `--import tsx` runs the TypeScript server in this one child process, so signals we
// forward reach the server itself rather than an intermediate launcher.
// Our own arguments (`npm start -- --chain=none`) go to the server, which parses them.
const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => server.kill(signal));
}
server.on('error', (err) => fail(`the server could not start: ${err.message}`));
server.on('exit', (code, signal) => {
  process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
});
