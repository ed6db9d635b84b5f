import { afterAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { startServer, type RunningServer } from '../server/main.ts';
import { eventually } from './eventually.ts';
import { contextView, signIn } from './tabnode.ts';
import { freePort, launchPeers, unexpectedErrors, type Peers } from './harness.ts';

/**
 * Signaling is only for meeting: when the signaling server goes away, connected peers keep
 * syncing over WebRTC, and once it is back they reconnect to it so a newcomer finds them,
 * and so does a peer that reloaded while it was down. No page error on the way (a send on
 * a closed data channel or a connecting WebSocket used to throw here).
 */

// The app and the signaling server the peers use are separate servers, so pages can
// (re)load while signaling is down.
let app: RunningServer | undefined;
let server: RunningServer | undefined;
let peers: Peers | undefined;

afterAll(async () => {
  await peers?.close();
  await server?.close();
  await app?.close();
});

const view = contextView;

async function reload(page: Page): Promise<void> {
  await page.reload();
  await page.waitForFunction(() => window.tabnode !== undefined);
}

const write = (page: Page, id: string, key: string) => page.evaluate(([i, k]) => window.tabnode!.contexts.open(i).write({ method: 'set', args: { key: k, value: true } }), [id, key] as const);
const has = (key: string) => (v: Awaited<ReturnType<typeof view>>) => v.kv.some(([k]) => k === key);

test('peers survive a signaling outage, are found again after it, and after reloads during and after it', async () => {
  // The app's policy lets its pages reach the other server, and that server admits the app's pages.
  const port = await freePort();
  const signalingUrl = `ws://127.0.0.1:${port}/signal`;
  app = await startServer({ port: 0, host: '127.0.0.1', connectSrc: [signalingUrl] });
  const signaling = { allowedOrigins: [new URL(app.url).origin] };
  server = await startServer({ port, host: '127.0.0.1', signaling });
  peers = await launchPeers(3, { app: { url: app.url, signalingUrl, close: async () => {} } });
  const [A, B, C] = peers.peers.map((p) => p.page) as [Page, Page, Page];
  await Promise.all([signIn(A, 'A'), signIn(B, 'B'), signIn(C, 'C')]);
  for (const page of [A, B, C]) {
    await page.evaluate(async (url) => {
      const settings = window.tabnode!.settings;
      await settings.update({ ...(await settings.get()), signalingUrls: [url] });
    }, signalingUrl);
  }
  const id = await A.evaluate(() => window.tabnode!.contexts.create('Outage'));
  const linkB = await A.evaluate((i) => window.tabnode!.contexts.open(i).invite({ role: 'writer' }), id);
  const linkC = await A.evaluate((i) => window.tabnode!.contexts.open(i).invite({ role: 'writer' }), id);
  await B.evaluate((l) => window.tabnode!.contexts.join(l), linkB);
  await eventually('B joined', () => view(B, id), (v) => !v.joining && v.members.length === 2);

  await server.close();
  server = undefined;
  await write(A, id, 'during-outage');
  await eventually('B gets a write made while signaling is down', () => view(B, id), has('during-outage'));

  server = await startServer({ port, host: '127.0.0.1', signaling });
  await C.evaluate((l) => window.tabnode!.contexts.join(l), linkC);
  const c = await eventually('C finds the others through the restarted signaling', () => view(C, id), (v) => !v.joining && v.members.length === 3, 60_000);
  expect(c.kv.map(([k]) => k)).toContain('during-outage');

  // B reloads while signaling is down: it can only find the others once the server is back.
  await server.close();
  server = undefined;
  await reload(B);
  await write(A, id, 'while-b-was-away');
  server = await startServer({ port, host: '127.0.0.1', signaling });
  await eventually('B, reloaded during the outage, is linked again and catches up', () => view(B, id), has('while-b-was-away'), 60_000);

  // C reloads with signaling up.
  await reload(C);
  await write(B, id, 'after-c-reloaded');
  await eventually('C, reloaded, is linked again and catches up', () => view(C, id), has('after-c-reloaded'), 60_000);
  expect(unexpectedErrors(peers.peers)).toEqual([]);
}, 240_000);
