// providerMesh over real WebRTC: two Chromium peers meet through the app's own signaling
// server (y-webrtc protocol, encrypted with a room password), each gets a Link over the
// negotiated data channel, 1 MiB crosses intact both ways, and a closed Link comes back
// as a new one when y-webrtc reconnects.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeshFixture } from './fixtures/mesh/main.ts';
import { launchPeers, startApp } from './harness.ts';
import type { App, Peer } from './harness.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/mesh/', import.meta.url));
const MiB = 1024 * 1024;

/** Calls window.meshFixture[method](...args) in the peer's page. */
function call<M extends keyof MeshFixture>(peer: Peer, method: M, ...args: Parameters<MeshFixture[M]>): Promise<Awaited<ReturnType<MeshFixture[M]>>> {
  type Loose = { meshFixture: Record<string, (...a: unknown[]) => unknown> };
  return peer.page.evaluate(([m, a]) => (globalThis as unknown as Loose).meshFixture[m]!(...a), [method, args] as [string, unknown[]]) as never;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('providerMesh over real WebRTC', () => {
  let app: App;
  let outDir: string;
  beforeAll(async () => {
    // The fixture is built on its own, so the app's build stays free of test pages.
    outDir = await mkdtemp(join(tmpdir(), 'tabnode-mesh-fixture-'));
    await build({ configFile: false, root: FIXTURE, logLevel: 'warn', build: { outDir, target: 'es2022', emptyOutDir: true } });
    app = await startApp({ distDir: outDir });
  });
  afterAll(async () => {
    await app?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  for (const separateProcesses of [false, true]) {
    const mode = separateProcesses ? 'separate Chromium processes' : 'one Chromium, separate contexts';
    it(`gives each side a Link carrying 1 MiB intact, and reconnects (${mode})`, async () => {
      const { peers, close } = await launchPeers(2, { app, separateProcesses, name: 'mesh' });
      try {
        const [one, two] = peers as [Peer, Peer];
        const options = { roomName: `mesh-${randomUUID()}`, password: randomUUID(), signalingUrl: app.signalingUrl };
        for (const peer of peers) await call(peer, 'open', options);
        for (const peer of peers) await until(`${peer.name} has a link`, async () => (await call(peer, 'links')).open === 1);

        await call(one, 'send', MiB, 7);
        await call(two, 'send', MiB, 9);
        for (const peer of peers) await until(`${peer.name} received 1 MiB`, async () => (await call(peer, 'received')).length === 1);
        expect(await call(one, 'received')).toEqual([{ size: MiB, intact: true }]);
        expect(await call(two, 'received')).toEqual([{ size: MiB, intact: true }]);
        expect(await call(one, 'peerIds')).toHaveLength(1);

        // Closing the Link tears its connection down; y-webrtc connects again: a new Link.
        await call(one, 'closeNewestLink', 'testing reconnection');
        await until('the close reached peer 2', async () => (await call(two, 'closeReasons')).length === 1);
        expect(await call(two, 'closeReasons')).toEqual(['closed by the other side: testing reconnection']);
        for (const peer of peers) {
          await until(`${peer.name} has a new link`, async () => {
            const links = await call(peer, 'links');
            return links.opened === 2 && links.open === 1;
          });
        }
        await call(one, 'send', 1000, 11);
        await until('the new link carries data', async () => (await call(two, 'received')).length === 2);

        for (const peer of peers) await call(peer, 'close');
        expect(peers.flatMap((p) => p.errors)).toEqual([]);
      } finally {
        await close();
      }
    });
  }
});
