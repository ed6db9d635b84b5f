import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadPeerState, savePeerState } from './state.ts';

let dir: string;
beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), 'peer-state-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the sites a peer serves, kept across restarts', () => {
  test('none on a first run; what was saved on the next', async () => {
    expect(await loadPeerState(join(dir, 'fresh'))).toEqual({ version: 1, origins: [] });
    await savePeerState(join(dir, 'fresh'), { version: 1, origins: ['http://127.0.0.1:8080'] });
    expect(await loadPeerState(join(dir, 'fresh'))).toEqual({ version: 1, origins: ['http://127.0.0.1:8080'] });
  });

  test('a file it does not read is named, with what to do', async () => {
    await writeFile(join(dir, 'peer.json'), '{"version":7}');
    await expect(loadPeerState(dir)).rejects.toThrow(/peer\.json is not a peer state file this version reads: move the data directory aside/);
  });
});
