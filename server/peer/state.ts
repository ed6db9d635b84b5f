// What the peer remembers beside the Chromium profile: the Tabnode sites it serves, so a
// restart without links reopens their pages (the contexts themselves live in the profile).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PEER_LIMITS } from './options.ts';

const FILE = 'peer.json';

export class PeerStateError extends Error {
  override name = 'PeerStateError';
}

export interface PeerState {
  version: 1;
  origins: string[];
}

export async function loadPeerState(dataDir: string): Promise<PeerState> {
  let text: string;
  try {
    text = await readFile(join(dataDir, FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, origins: [] };
    throw e;
  }
  const parsed = JSON.parse(text) as Partial<PeerState>;
  if (parsed.version !== 1 || !Array.isArray(parsed.origins) || !parsed.origins.every((o) => typeof o === 'string')) {
    throw new PeerStateError(`${join(dataDir, FILE)} is not a peer state file this version reads: move the data directory aside or pass another --data`);
  }
  return { version: 1, origins: parsed.origins.slice(0, PEER_LIMITS.origins) };
}

/** Written aside and renamed, so a crash never leaves half a file. */
export async function savePeerState(dataDir: string, state: PeerState): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, FILE);
  await writeFile(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}
