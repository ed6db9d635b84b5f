import { afterAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { startServer, type RunningServer } from '../server/main.ts';
import { eventually } from './eventually.ts';
import { contextView, signIn } from './tabnode.ts';
import { launchPeers, type Peers } from './harness.ts';

/**
 * Signaling is only for meeting: when the signaling server goes away, connected peers keep
 * syncing over WebRTC, and once it is back they reconnect to it so a newcomer finds them.
 */

let server: RunningServer | undefined;
let peers: Peers | undefined;

afterAll(async () => {
  await peers?.close();
  await server?.close();
});

const view = contextView;


test('peers survive a signaling outage and are found again after it', async () => {
  server = await startServer({ port: 0, host: '127.0.0.1' });
  const port = server.port;
  const app = { url: server.url, signalingUrl: server.signalingUrl, close: async () => {} };
  peers = await launchPeers(3, { app });
  const [A, B, C] = peers.peers.map((p) => p.page) as [Page, Page, Page];
  await Promise.all([signIn(A, 'A'), signIn(B, 'B'), signIn(C, 'C')]);
  const id = await A.evaluate(() => window.tabnode!.contexts.create('Outage'));
  const linkB = await A.evaluate((i) => window.tabnode!.contexts.invite(i, { role: 'writer' }), id);
  const linkC = await A.evaluate((i) => window.tabnode!.contexts.invite(i, { role: 'writer' }), id);
  await B.evaluate((l) => window.tabnode!.contexts.join(l), linkB);
  await eventually('B joined', () => view(B, id), (v) => !v.joining && v.members.length === 2);

  await server.close();
  server = undefined;
  await A.evaluate((i) => window.tabnode!.contexts.write(i, { method: 'set', args: { key: 'during-outage', value: true } }), id);
  await eventually('B gets a write made while signaling is down', () => view(B, id), (v) => v.kv.some(([k]) => k === 'during-outage'));

  server = await startServer({ port, host: '127.0.0.1' });
  await C.evaluate((l) => window.tabnode!.contexts.join(l), linkC);
  const c = await eventually('C finds the others through the restarted signaling', () => view(C, id), (v) => !v.joining && v.members.length === 3, 60_000);
  expect(c.kv.map(([k]) => k)).toContain('during-outage');
}, 150_000);
