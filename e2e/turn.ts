// Debian's coturn on loopback, for tests that need a real TURN server: a free port, one
// static long-term-credential user, plain UDP/TCP (no TLS/DTLS, no CLI), relaying between
// loopback addresses (peers are all on 127.0.0.1 here).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTurnserver, HOW_TO_INSTALL_COTURN } from '../scripts/coturn.mjs';
import { freePort } from './harness.ts';

export class TurnServerError extends Error {
  override name = 'TurnServerError';
}

export interface TurnServer {
  /** e.g. turn:127.0.0.1:40123?transport=udp */
  url: string;
  username: string;
  credential: string;
  /** What coturn printed (for a failure message). */
  log(): string;
  close(): Promise<void>;
}

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

export async function startTurnServer(): Promise<TurnServer> {
  const executable = findTurnserver();
  if (!executable) throw new TurnServerError(HOW_TO_INSTALL_COTURN);
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'tabnode-coturn-'));
  const username = 'tabnode';
  const credential = `pw-${port}`;
  const args = [
    '-n', // no configuration file
    '--no-cli',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    '--no-tls',
    '--no-dtls',
    '--lt-cred-mech',
    `--user=${username}:${credential}`,
    '--realm=tabnode.test',
    '--fingerprint',
    // Peers and relay addresses are all loopback here; coturn refuses those by default.
    '--allow-loopback-peers',
    '--no-multicast-peers',
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    '--log-file=stdout',
    '--simple-log',
  ];
  let output = '';
  const child: ChildProcess = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const close = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await close();
      throw new TurnServerError(`coturn (${executable}) did not start listening on 127.0.0.1:${port}:\n${output.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `turn:127.0.0.1:${port}?transport=udp`, username, credential, log: () => output, close };
}
