// The browser mesh over real WebRTC (src/node/browserMesh.ts: our own RTCPeerConnections
// in a room of y-webrtc's signaling protocol, BroadcastChannel between tabs): Chromium peers
// meet through the app's own signaling server, each gets a Link, 1 MiB crosses intact both
// ways, and Links come back after a close, a glare and a reload, with no page error.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMeshFixture } from './fixtures/mesh/build.ts';
import { call, until } from './fixtures/mesh/drive.ts';
import { forwardErrors, freePort, launchPeers, startApp, unexpectedErrors } from './harness.ts';
import type { App, Peer } from './harness.ts';

const MiB = 1024 * 1024;

describe('browser mesh over real WebRTC', () => {
  let app: App;
  let fixture: Awaited<ReturnType<typeof buildMeshFixture>>;
  /** A signaling URL nobody listens on, which the app's policy allows (so it is refused, not blocked). */
  let deadSignalingUrl: string;
  const room = () => ({ roomName: `mesh-${randomUUID()}`, password: randomUUID(), signalingUrls: [app.signalingUrl] });
  beforeAll(async () => {
    fixture = await buildMeshFixture();
    deadSignalingUrl = `ws://127.0.0.1:${await freePort()}/signal`;
    app = await startApp({ distDir: fixture.dir, connectSrc: [deadSignalingUrl] });
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.remove();
  });

  for (const separateProcesses of [false, true]) {
    const mode = separateProcesses ? 'separate Chromium processes' : 'one Chromium, separate contexts';
    it(`gives each side a Link carrying 1 MiB intact, and a new one after a close (${mode})`, async () => {
      const { peers, close } = await launchPeers(2, { app, separateProcesses, name: 'mesh' });
      try {
        const [one, two] = peers.map((p) => p.page) as [Peer['page'], Peer['page']];
        const options = room();
        for (const peer of peers) await call(peer.page, 'open', options);
        for (const peer of peers) await until(`${peer.name} has a link`, async () => (await call(peer.page, 'links')).webrtc === 1);

        await call(one, 'send', MiB, 7);
        await call(two, 'send', MiB, 9);
        for (const peer of peers) await until(`${peer.name} received 1 MiB`, async () => (await call(peer.page, 'received')).length === 1);
        expect(await call(one, 'received')).toEqual([{ size: MiB, intact: true }]);
        expect(await call(two, 'received')).toEqual([{ size: MiB, intact: true }]);

        // Closing the Link tears its connection down; the peers connect again: a new Link.
        await call(one, 'closeNewestLink', 'testing reconnection');
        await until('the close reached peer 2', async () => (await call(two, 'closeReasons')).length === 1);
        expect(await call(two, 'closeReasons')).toEqual(['closed by the other side: testing reconnection']);
        for (const peer of peers) {
          await until(`${peer.name} has a new link`, async () => {
            const links = await call(peer.page, 'links');
            return links.opened === 2 && links.open === 1;
          });
        }
        await call(one, 'send', 1000, 11);
        await until('the new link carries data', async () => (await call(two, 'received')).length === 2);

        for (const peer of peers) await call(peer.page, 'close');
        expect(unexpectedErrors(peers)).toEqual([]);
      } finally {
        await close();
      }
    });
  }

  it('reconnects every time when both peers rejoin at the same moment (glare), 10 times', async () => {
    const { peers, close } = await launchPeers(2, { app, name: 'glare' });
    try {
      const options = room();
      for (const peer of peers) await call(peer.page, 'open', options);
      for (const peer of peers) await until(`${peer.name} has a link`, async () => (await call(peer.page, 'links')).webrtc === 1);
      for (let round = 1; round <= 10; round++) {
        // Both leave and join again at once: both announce, both offer, offers cross.
        await Promise.all(peers.map((p) => call(p.page, 'restart')));
        for (const peer of peers) {
          await until(`${peer.name} is linked again after glare ${round}`, async () => (await call(peer.page, 'connectedAt')).length === round + 1 && (await call(peer.page, 'links')).webrtc === 1, 30_000);
        }
      }
      expect(unexpectedErrors(peers)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('links tabs of one browser profile over BroadcastChannel, never over WebRTC, and a reloaded peer again', async () => {
    const { peers, close } = await launchPeers(2, { app, name: 'tabs' });
    try {
      const [first, other] = peers as [Peer, Peer];
      // A second tab of the first peer's profile (same browser context).
      const tab = await first.context.newPage();
      const errors: string[] = [];
      forwardErrors(`${first.name}-tab2`, errors, tab);
      await tab.goto(app.url);
      const options = room();
      for (const page of [first.page, tab, other.page]) await call(page, 'open', options);
      const counts = async () => Promise.all([first.page, tab, other.page].map((p) => call(p, 'links')));
      await until('each tab has a Link to the other tab and to the other peer', async () => {
        const [a, b, c] = await counts();
        return a!.broadcast === 1 && b!.broadcast === 1 && a!.webrtc === 1 && b!.webrtc === 1 && c!.webrtc === 2;
      });
      expect((await counts())[2]!.broadcast).toBe(0);

      // The other peer reloads: a new page, a new peer id; both tabs link to it again.
      await other.page.reload();
      await call(other.page, 'open', options);
      await until('the reloaded peer is linked to both tabs', async () => {
        const [a, b, c] = await counts();
        return a!.webrtc === 1 && b!.webrtc === 1 && c!.webrtc === 2 && a!.broadcast === 1;
      });
      expect(unexpectedErrors([...peers, { errors }])).toEqual([]);
    } finally {
      await close();
    }
  });

  it('finds peers through the servers that are up when one of several is down', async () => {
    const { peers, close } = await launchPeers(2, { app, name: 'urls' });
    try {
      const options = { ...room(), signalingUrls: [deadSignalingUrl, app.signalingUrl] };
      for (const peer of peers) await call(peer.page, 'open', options);
      for (const peer of peers) await until(`${peer.name} has a link`, async () => (await call(peer.page, 'links')).webrtc === 1);
      for (const peer of peers) await call(peer.page, 'close');
      expect(unexpectedErrors(peers)).toEqual([]);
    } finally {
      await close();
    }
  });
});
