import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/*
 * A real local EVM, for tests and as `npm start`'s embedded chain (server/chain/localChain.ts):
 * Hardhat 2's `hardhat node` (chain id 31337, 20 funded and unlocked accounts, automining)
 * as a child process on a free loopback port. Offline: it compiles nothing and forks nothing.
 */

export const HARDHAT_CHAIN_ID = 31337;

export interface HardhatNode {
  /** JSON-RPC over HTTP, on 127.0.0.1. */
  url: string;
  /** How long the node took to answer, from spawn (ms). */
  startupMs: number;
  /** Stop the node and remove its directory. Idempotent. */
  stop(): Promise<void>;
}

/** The node did not start: its exit code or the deadline, with the end of what it printed. */
export class HardhatNodeError extends Error {
  override readonly name = 'HardhatNodeError';
}

const READY = 'Started HTTP and WebSocket JSON-RPC server at';
/** Kept of the node's output for error messages (it logs every request, so not all of it). */
const TAIL_CHARS = 8_000;

/*
 * Loaded by `node -r` before Hardhat: the node exits when its stdin closes, which happens
 * when the test process dies, however it dies (even SIGKILL, when no exit hook runs).
 */
const EXIT_WITH_PARENT = `process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
`;

export async function startHardhatNode(options: { timeoutMs?: number } = {}): Promise<HardhatNode> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const require = createRequire(import.meta.url);
  const hardhatPackage = require.resolve('hardhat/package.json');
  const cli = join(dirname(hardhatPackage), 'internal/cli/bootstrap.js');
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'tabnode-hardhat-'));
  await writeFile(join(dir, 'hardhat.config.cjs'), `module.exports = { networks: { hardhat: { chainId: ${HARDHAT_CHAIN_ID} } } };\n`);
  await writeFile(join(dir, 'exit-with-parent.cjs'), EXIT_WITH_PARENT);
  // Hardhat 2 refuses to run (HH12) unless it resolves itself from its project directory.
  await symlink(dirname(dirname(hardhatPackage)), join(dir, 'node_modules'), 'junction');

  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['-r', './exit-with-parent.cjs', cli, '--config', 'hardhat.config.cjs', 'node', '--hostname', '127.0.0.1', '--port', String(port)],
    {
      cwd: dir,
      // No prompts: CI mode, and no telemetry question.
      env: { ...process.env, CI: 'true', HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  let output = '';
  const keep = (chunk: Buffer) => {
    // Always drained: a full pipe would stall the node.
    output = (output + chunk.toString('utf8')).slice(-TAIL_CHARS);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    await terminate(child);
    await unlink(join(dir, 'node_modules')).catch(() => {}); // the link only, never what it points to
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new HardhatNodeError(`hardhat node did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const onData = () => {
        if (output.includes(READY)) done();
      };
      const onExit = (code: number | null, signal: string | null) =>
        done(new HardhatNodeError(`hardhat node exited (${signal ?? `code ${code}`}) before it was ready:\n${output}`));
      const onError = (e: Error) => done(new HardhatNodeError(`cannot run hardhat node: ${e.message}`));
      function done(error?: Error) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        child.off('error', onError);
        if (error) reject(error);
        else resolve();
      }
      child.stdout!.on('data', onData);
      child.once('exit', onExit);
      child.once('error', onError);
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `http://127.0.0.1:${port}`, startupMs: Math.round(performance.now() - started), stop };
}

/** SIGTERM, then SIGKILL if the node is still there after 3 s. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

/** A loopback port nobody listens on right now (the OS picks it). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
