import { afterAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { eventually } from './eventually.ts';
import { launchPeers, screenshot, startApp, unexpectedErrors, type App, type Peers } from './harness.ts';
import { contextView, signIn } from './tabnode.ts';
import { startTurnServer, type TurnServer } from './turn.ts';

/**
 * NAT reality: two peers that may only reach each other through a TURN relay. A real TURN
 * server (Debian's coturn) runs on loopback; each person enters it on the Settings page and
 * picks "TURN relay only" (iceTransportPolicy 'relay'), so no direct path is even tried.
 * The peers join one context and sync, and every connected RTCPeerConnection's selected
 * candidate pair is relay on both ends (getStats).
 */

let app: App | undefined;
let peers: Peers | undefined;
let turn: TurnServer | undefined;

afterAll(async () => {
  await peers?.close();
  await app?.close();
  await turn?.close();
});

/** The type of both ends of the selected candidate pair of every connected RTCPeerConnection in the page. */
function selectedPairs(page: Page): Promise<{ local: string; remote: string }[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState === 'connected');
    const pairs: { local: string; remote: string }[] = [];
    for (const pc of pcs) {
      const stats = new Map<string, Record<string, unknown>>();
      (await pc.getStats()).forEach((s: Record<string, unknown>) => stats.set(s.id as string, s));
      for (const s of stats.values()) {
        if (s.type !== 'transport' || !s.selectedCandidatePairId) continue;
        const pair = stats.get(s.selectedCandidatePairId as string)!;
        pairs.push({ local: String(stats.get(pair.localCandidateId as string)?.candidateType), remote: String(stats.get(pair.remoteCandidateId as string)?.candidateType) });
      }
    }
    return pairs;
  });
}

async function useTurnOnly(page: Page, server: TurnServer, shot?: string): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click();
  const ice = page.getByLabel('ICE servers (STUN / TURN)');
  await ice.fill(`${server.url} ${server.username} ${server.credential}`);
  await page.getByLabel('Connection route').selectOption('relay');
  if (shot) await screenshot(page, shot);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  const saved = await page.evaluate(() => window.tabnode!.settings.get());
  expect(saved.iceTransportPolicy).toBe('relay');
  expect(saved.iceServers).toEqual([{ urls: [server.url], username: server.username, credential: server.credential }]);
}

test('two peers connect and sync through a real TURN server only, set on the Settings page', async () => {
  turn = await startTurnServer();
  app = await startApp();
  peers = await launchPeers(2, { app, path: null, name: 'nat' });
  for (const { context } of peers.peers) {
    // Observation only: keep every RTCPeerConnection the page makes, to read its stats.
    await context.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      const pcs: RTCPeerConnection[] = ((window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = []);
      window.RTCPeerConnection = class extends Native {
        constructor(configuration?: RTCConfiguration) {
          super(configuration);
          pcs.push(this);
        }
      };
    });
  }
  const [A, B] = peers.peers.map((p) => p.page) as [Page, Page];
  for (const page of [A, B]) await page.goto(app.url);
  await signIn(A, 'A');
  await signIn(B, 'B');
  await useTurnOnly(A, turn, 'settings-turn-relay-only');
  await useTurnOnly(B, turn);

  const id = await A.evaluate(() => window.tabnode!.contexts.create('Behind NAT'));
  const link = await A.evaluate((c) => window.tabnode!.contexts.open(c).invite({ role: 'writer' }), id);
  await B.evaluate((l) => window.tabnode!.contexts.join(l), link);
  await eventually('B joined through the relay', () => contextView(B, id), (v) => !v.joining && v.members.length === 2, 90_000);
  await A.evaluate((c) => window.tabnode!.contexts.open(c).write({ method: 'set', args: { key: 'relayed', value: true } }), id);
  await eventually('B gets a write through the relay', () => contextView(B, id), (v) => v.kv.some(([k]) => k === 'relayed'));

  for (const page of [A, B]) {
    const pairs = await eventually('a connected RTCPeerConnection with a selected pair', () => selectedPairs(page), (p) => p.length > 0);
    expect(pairs.every((p) => p.local === 'relay' && p.remote === 'relay'), JSON.stringify(pairs)).toBe(true);
  }
  expect(unexpectedErrors(peers.peers)).toEqual([]);
}, 240_000);
