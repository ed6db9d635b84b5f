// The command line of `npm run peer`: invite links, the data directory, the status period.
import { resolve } from 'node:path';

export const PEER_LIMITS = {
  /** Contexts one peer process relays: each is a replica in memory and links in the mesh. */
  contexts: 32,
  /** Origins (Tabnode sites) one process serves: one page each. */
  origins: 8,
  statusMs: { min: 500, default: 5000, max: 600_000 },
  labelChars: 60,
} as const;

export const DEFAULT_DATA_DIR = '.tabnode-peer';

export interface PeerOptions {
  links: string[];
  /** Holds the Chromium profile (keys, contexts) and the origins served: survives restarts. */
  dataDir: string;
  statusMs: number;
  /** The device label members see for this relay. */
  label: string;
}

export class PeerUsageError extends Error {
  override name = 'PeerUsageError';
}

export const USAGE = `usage: npm run peer -- [options] [<invite link> ...]

Runs a Tabnode node headless in Chromium as a relay: it joins each context by its relay
invite (an admin makes one with Invite… → Relay), keeps every op, and forwards it to members.
Restarted with the same --data, it reopens the contexts it joined: links are needed only once.

options:
  --data <dir>        profile and state directory (default ${DEFAULT_DATA_DIR}/ in the current directory)
  --status-ms <ms>    how often to print a status line per context (default ${PEER_LIMITS.statusMs.default})
  --label <text>      device name members see (default "Tabnode relay")
  --help              this text`;

/** Reads the arguments after `npm run peer --`. Throws PeerUsageError saying what is wrong. */
export function parsePeerArgs(argv: readonly string[], cwd: string): PeerOptions | 'help' {
  const links: string[] = [];
  let dataDir = DEFAULT_DATA_DIR;
  let statusMs: number = PEER_LIMITS.statusMs.default;
  let label = 'Tabnode relay';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new PeerUsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--data') dataDir = value();
    else if (arg === '--status-ms') statusMs = boundedInt(arg, value(), PEER_LIMITS.statusMs);
    else if (arg === '--label') label = boundedLabel(value());
    else if (arg.startsWith('-')) throw new PeerUsageError(`unknown option ${arg} (see --help)`);
    else links.push(arg);
  }
  if (links.length > PEER_LIMITS.contexts) throw new PeerUsageError(`at most ${PEER_LIMITS.contexts} contexts per peer process; run another process with its own --data for more`);
  return { links, dataDir: resolve(cwd, dataDir), statusMs, label };
}

function boundedInt(name: string, text: string, range: { min: number; max: number }): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < range.min || n > range.max) throw new PeerUsageError(`${name} takes a whole number from ${range.min} to ${range.max}, not "${text}"`);
  return n;
}

function boundedLabel(text: string): string {
  const label = text.trim();
  if (!label || label.length > PEER_LIMITS.labelChars) throw new PeerUsageError(`--label takes 1 to ${PEER_LIMITS.labelChars} characters`);
  return label;
}
