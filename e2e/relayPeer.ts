// Runs the real `npm run peer` as a child process for e2e tests and reads its status lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseStatusLine, type StatusLine } from '../server/peer/status.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Output kept per peer process: enough to see what happened, bounded for a long run. */
const MAX_LINES = 5000;

export interface RelayProcess {
  child: ChildProcess;
  /** Every line printed so far (stdout and stderr, stderr prefixed), oldest first. */
  lines: string[];
  /** The newest status line for a context (by its 8-hex-digit short id). */
  latest(shortId: string): StatusLine | undefined;
  /** SIGTERM (what a service manager sends), then its exit code. */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * The command of `npm run peer` as package.json has it, run without npm in between: npm
 * dies of a SIGTERM at once instead of waiting for the script it forwards it to.
 */
function peerCommand(): string[] {
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
  const [node, ...args] = pkg.scripts.peer!.split(' ');
  if (node !== 'node') throw new Error(`npm run peer runs "${pkg.scripts.peer}": expected a node command`);
  return [process.execPath, ...args];
}

/** `npm run peer -- --data <dir> --status-ms 500 --label 'Relay box' …args`. */
export function startRelay(dataDir: string, args: string[], name = 'relay'): RelayProcess {
  const [node, ...command] = peerCommand();
  const child = spawn(node!, [...command, '--data', dataDir, '--status-ms', '500', '--label', 'Relay box', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (prefix: string) => {
    let rest = '';
    return (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        if (lines.length >= MAX_LINES) lines.splice(0, 1000);
        lines.push(prefix + line);
        if (!parseStatusLine(line)) console.log(`[${name}] ${prefix}${line}`);
      }
    };
  };
  child.stdout!.on('data', collect(''));
  child.stderr!.on('data', collect('stderr: '));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    latest(shortId) {
      for (let i = lines.length - 1; i >= 0; i--) {
        const s = parseStatusLine(lines[i]!);
        if (s?.id === shortId) return s;
      }
      return undefined;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
