import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { generatePrivateKey } from 'viem/accounts';
import { eventually } from './eventually.ts';
import { launchPeers, screenshot, startApp, type App, type Peers } from './harness.ts';
import { contextView, signIn } from './tabnode.ts';
import { installInjectedEthereumWallet } from './wallets/injectedEthereum.ts';

/**
 * Allowed origins between real Chromium peers (docs/decisions/allowed-origins.md): the
 * owner sees and edits the context's allowed sites; a person whose wallet signs in on
 * another site (the same app served as http://localhost:<port>, standing in for a page
 * that copied Tabnode) is refused by the owner, and both pages say why.
 */

let app: App;
let peers: Peers;
let O: Page, W: Page;
let contextId: string;
let appOrigin: string;
let foreign: string;

beforeAll(async () => {
  app = await startApp();
  appOrigin = new URL(app.url).origin;
  foreign = `http://localhost:${new URL(app.url).port}`;
  peers = await launchPeers(2, { app, path: null, name: 'origins' });
  const [o, w] = peers.peers;
  await installInjectedEthereumWallet(w!.context, { privateKey: generatePrivateKey(), chainId: 1, name: 'Test Wallet', rdns: 'org.tabnode.testwallet' });
  [O, W] = [o!.page, w!.page];
  await O.goto(app.url);
  await signIn(O, 'Owner laptop');
}, 120_000);

afterAll(async () => {
  await peers?.close();
  await app?.close();
});

describe('allowed origins in real browsers', () => {
  test('a new context allows the app’s own origin; the owner adds and removes sites on the context page', async () => {
    contextId = await O.evaluate(() => window.tabnode!.contexts.create('Site-bound team'));
    expect((await contextView(O, contextId)).origins).toEqual([appOrigin]);
    await O.goto(new URL(`/contexts/${contextId}`, app.url).href);
    const panel = O.getByRole('region', { name: 'Allowed sites' });
    await panel.getByTestId('origin').first().waitFor();
    await panel.getByTestId('origin-input').fill('https://Tabnode.example/');
    await panel.getByRole('button', { name: 'Allow' }).click();
    await panel.locator('[data-origin="https://tabnode.example"]').waitFor();
    // It says what it did, not "Allow site: done.".
    await eventually('told it is allowed', () => O.getByTestId('outcome').textContent(), (t) => t === 'https://tabnode.example is allowed now.');
    await screenshot(O, 'origins-panel');
    // Removing a site asks first (it can lock devices out): Cancel keeps it.
    const remove = () => panel.locator('[data-origin="https://tabnode.example"]').getByRole('button', { name: 'Remove' }).click();
    const confirm = O.getByRole('dialog', { name: 'Stop allowing https://tabnode.example?' });
    await remove();
    await confirm.waitFor();
    expect(await confirm.getByRole('button', { name: 'Cancel' }).evaluate((b) => b === document.activeElement)).toBe(true);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await contextView(O, contextId)).origins).toContain('https://tabnode.example');
    await remove();
    await confirm.getByRole('button', { name: 'Stop allowing' }).click();
    await eventually('the site removed', () => contextView(O, contextId), (v) => v.origins.join() === appOrigin);
    await eventually('told it is no longer allowed', () => O.getByTestId('outcome').textContent(), (t) => t === 'https://tabnode.example is no longer allowed.');
  });

  test('a wallet sign-in on another site is refused by the owner, with the reason on both pages', async () => {
    // The foreign site signals through its own origin (its default); the invite's server,
    // outside that page's policy, is left out rather than blocked.
    await W.goto(`${foreign}/`);
    await W.waitForFunction(() => window.tabnode !== undefined);
    await W.getByRole('button', { name: 'Log in with a wallet' }).click();
    await W.getByLabel('Name for this device').fill('Phished laptop');
    await W.getByRole('button', { name: /Test Wallet/ }).click();
    await eventually('a wallet root', () => W.evaluate(async () => (await window.tabnode!.identity.status()).root?.id), (id) => Boolean(id), 60_000);

    const link = await O.evaluate((id) => window.tabnode!.contexts.open(id).invite({ role: 'writer' }), contextId);
    const url = new URL(link);
    await W.goto(`${foreign}${url.pathname}${url.hash}`);
    await W.getByRole('button', { name: 'Join' }).click();

    const reason = `signed for ${foreign}, which this context does not allow (it allows ${appOrigin})`;
    await eventually('the owner refused the peer', () => contextView(O, contextId), (v) => v.peers.some((p) => p.state === 'refused' && Boolean(p.refusal?.includes(reason))), 60_000);
    await W.getByText(reason).first().waitFor({ timeout: 30_000 });
    await screenshot(W, 'origins-refused-joiner');
    const joiner = await contextView(W, contextId);
    expect(joiner.joining).toBe(true);
    expect(joiner.opCount).toBe(0);
    expect((await contextView(O, contextId)).members).toHaveLength(1);
    await O.getByText(`we refused it: the wallet delegation of`).first().waitFor();
    await screenshot(O, 'origins-refused-owner');
  });
});
