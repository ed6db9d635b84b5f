import { afterAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { ContextView } from '../src/node/index.ts';
import { eventually } from './eventually.ts';
import { launchPeers, startApp, unexpectedErrors, type App, type Peers } from './harness.ts';
import { contextView, signIn } from './tabnode.ts';

/**
 * A partial mesh in the real app: 8 peers, each allowed 2 WebRTC connections (Settings'
 * maxConns), join one context one at a time. Each keeps at most 2 links, yet every write
 * reaches everyone (ops are flooded over the links), and all end with the same data and
 * the same heads.
 */

const PEERS = 8;
const MAX_CONNS = 2;

let app: App | undefined;
let peers: Peers | undefined;

afterAll(async () => {
  await peers?.close();
  await app?.close();
});

/** Open WebRTC links the node's sync panel lists for the context. */
const webrtcLinks = (v: ContextView): number => v.peers.filter((p) => p.state !== 'closed' && p.linkId.startsWith('webrtc:')).length;

test(`${PEERS} peers with maxConns ${MAX_CONNS}, joining one at a time, converge through a partial mesh`, async () => {
  app = await startApp();
  peers = await launchPeers(PEERS, { app, name: 'ring' });
  const pages = peers.peers.map((p) => p.page);
  for (const [i, page] of pages.entries()) {
    await signIn(page, `P${i + 1}`);
    await page.evaluate(async (maxConns) => {
      const settings = window.tabnode!.settings;
      await settings.update({ ...(await settings.get()), maxConns });
    }, MAX_CONNS);
  }
  const [first] = pages as [Page];
  const id = await first.evaluate(() => window.tabnode!.contexts.create('Ring'));
  await first.evaluate((i) => window.tabnode!.contexts.open(i).write({ method: 'set', args: { key: 'by-P1', value: 1 } }), id);

  for (const [i, page] of pages.entries()) {
    if (i === 0) continue;
    const link = await first.evaluate((c) => window.tabnode!.contexts.open(c).invite({ role: 'writer' }), id);
    await page.evaluate((l) => window.tabnode!.contexts.join(l), link);
    await eventually(`P${i + 1} joined`, () => contextView(page, id), (v) => !v.joining && v.members.length === i + 1, 90_000);
    await page.evaluate(([c, n]) => window.tabnode!.contexts.open(c).write({ method: 'set', args: { key: `by-P${n}`, value: n } }), [id, i + 1] as const);
  }

  const expectedKeys = pages.map((_, i) => `by-P${i + 1}`).sort();
  const views = await eventually(
    'every peer has every write and the same heads',
    () => Promise.all(pages.map((p) => contextView(p, id))),
    (vs) => vs.every((v) => v.kv.map(([k]) => k).sort().join() === expectedKeys.join() && v.heads.join() === vs[0]!.heads.join() && v.members.length === PEERS),
    120_000,
  );
  expect(new Set(views.map((v) => v.stateRoot)).size).toBe(1);
  // Partial: nobody holds more than its limit once the mesh has settled.
  await eventually('every peer keeps 1 to maxConns WebRTC links', () => Promise.all(pages.map((p) => contextView(p, id))), (vs) => vs.every((v) => webrtcLinks(v) >= 1 && webrtcLinks(v) <= MAX_CONNS), 60_000);
  expect(unexpectedErrors(peers.peers)).toEqual([]);
}, 600_000);
