#!/usr/bin/env node
// `npm start`: install dependencies and build the app when they are out of date, then run
// the server. Plain Node with no dependencies, because it runs before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { START_STEPS } from './startSteps.mjs';

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

for (const decide of START_STEPS) {
  const step = decide(root, process.execPath);
  if (!step) continue;
  say(step.announce);
  run(step.command, step.args, step.what);
}

say('Starting the server…');
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
