import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { eventually } from './eventually.ts';
import { setKey } from './kvPanel.ts';
import { launchPeers, screenshot, startApp, type App, type Peers } from './harness.ts';
import { expectAccessible } from './axe.ts';
import { contextView, signIn } from './tabnode.ts';

/**
 * The installable, offline app in real Chromium: the manifest, the service worker in
 * control, a reload with the network off (contexts, a context page and a local write from
 * IndexedDB), a second tab offline that shares writes with the first, and the "new
 * version" banner when a changed worker waits.
 * The app is served from a copy of dist/, so the test can publish a new service worker.
 */

const DIST = fileURLToPath(new URL('../dist', import.meta.url));

let served: string;
let app: App;
let peers: Peers;
let A: Page;
let browserContext: BrowserContext;
let contextUrl: string;
let contextId: string;

const controlled = (page: Page) => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null);

beforeAll(async () => {
  served = await mkdtemp(join(tmpdir(), 'tabnode-pwa-'));
  await cp(DIST, served, { recursive: true });
  app = await startApp({ distDir: served });
  peers = await launchPeers(1, { app });
  A = peers.peers[0]!.page;
  browserContext = peers.peers[0]!.context;
  await signIn(A, 'Alice laptop');
});

afterAll(async () => {
  await peers?.close();
  await app?.close();
  if (served) await rm(served, { recursive: true, force: true });
});

describe('installable, offline app', () => {
  test('the manifest is linked and parses; the service worker registers and controls the page', async () => {
    const href = await A.locator('link[rel=manifest]').getAttribute('href');
    expect(href).toBe('/manifest.webmanifest');
    const manifest = await A.evaluate(async (url) => {
      const response = await fetch(url);
      return { type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
    }, href!);
    expect(manifest.type).toMatch(/^application\/manifest\+json/);
    expect(manifest.body).toMatchObject({ name: 'Tabnode', start_url: '/', scope: '/', display: 'standalone', theme_color: '#3b5bdb' });
    const icons = manifest.body.icons as { src: string; sizes: string; type: string; purpose: string }[];
    expect(icons.filter((i) => i.purpose === 'any').map((i) => i.sizes)).toEqual(['192x192', '512x512']);
    expect(icons.some((i) => i.purpose === 'maskable')).toBe(true);
    for (const icon of icons) {
      const type = await A.evaluate(async (src) => (await fetch(src)).headers.get('content-type'), icon.src);
      expect(type, icon.src).toBe(icon.type);
    }

    // Installed (every file precached) and in control of this tab without a reload.
    await eventually('the worker is installed and active', () => A.evaluate(async () => (await navigator.serviceWorker.ready).active?.state), (state) => state === 'activated');
    await eventually('the worker controls the page', () => controlled(A), (url) => url === `${app.url}sw.js`);
    const cached = await A.evaluate(async () => {
      const names = await caches.keys();
      const urls = (await Promise.all(names.map(async (n) => (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname)))).flat();
      return urls;
    });
    expect(cached).toEqual(expect.arrayContaining(['/index.html', '/apps/team-board.wasm', '/apps/kv-store.wasm', '/apps/index.json', '/manifest.webmanifest']));
    expect(cached.some((p) => /^\/assets\/worker-.+\.js$/.test(p))).toBe(true);
    expect(cached.some((p) => /^\/assets\/walletConnect-.+\.js$/.test(p))).toBe(true); // a lazy chunk
    expect(cached.some((p) => p.startsWith('/chain') || p.startsWith('/signal'))).toBe(false);

    // Chromium's own verdict: the manifest parses without errors and nothing stops installing.
    const cdp = await browserContext.newCDPSession(A);
    const { errors: manifestErrors } = (await cdp.send('Page.getAppManifest')) as { errors: { message: string }[] };
    expect(manifestErrors).toEqual([]);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    // Playwright's browser contexts are off the record, where Chromium never offers to install.
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    await cdp.detach();
  });

  test('offline, a reload opens the app from the cache: contexts, a context page and a local write', async () => {
    await A.reload();
    await A.getByLabel('Name').fill('Field notes');
    await A.getByRole('button', { name: 'Create context' }).click();
    await A.getByTestId('context-name').waitFor();
    contextUrl = A.url();
    contextId = new URL(contextUrl).pathname.split('/').at(-1)!;
    expect(await setKey(A, 'before', '"online"')).toMatch(/before/);

    await browserContext.setOffline(true);
    // Truly offline: the server is out of reach for the page.
    expect(await A.evaluate(() => fetch('/chain/config').then(() => 'reached', () => 'unreachable'))).toBe('unreachable');

    await A.goto(app.url);
    await A.getByRole('heading', { name: 'Your contexts' }).waitFor();
    await A.getByTestId('context-list').getByText('Field notes').waitFor();

    await A.goto(contextUrl);
    await A.getByTestId('context-name').waitFor();
    expect(await A.getByTestId('context-name').textContent()).toBe('Field notes');
    expect(await setKey(A, 'offline-note', '"written on the train"')).toMatch(/offline-note/);
    await screenshot(A, 'pwa-offline-context');

    // Still there after another offline reload: the write went to IndexedDB.
    await A.reload();
    await A.getByTestId('context-name').waitFor();
    const keys = (await contextView(A, contextId)).kv.map(([k]) => k);
    expect(keys).toEqual(expect.arrayContaining(['before', 'offline-note']));

    // Another tab of the same profile opens offline too, and sees the write.
    const second = await browserContext.newPage();
    await second.goto(contextUrl);
    await second.getByTestId('context-name').waitFor();
    await eventually('the second tab reads the offline write', () => contextView(second, contextId), (v) => v.kv.some(([k]) => k === 'offline-note'));
    // The two tabs still talk to each other (BroadcastChannel, no network involved).
    expect(await setKey(second, 'from-second-tab', '"hello"')).toMatch(/from-second-tab/);
    await eventually('the first tab gets the second tab’s write', () => contextView(A, contextId), (v) => v.kv.some(([k]) => k === 'from-second-tab'));
    await screenshot(second, 'pwa-offline-second-tab');
    await second.close();

    expect(peers.peers[0]!.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await browserContext.setOffline(false);
  });

  test('a new version waits behind a banner; Reload switches to it', async () => {
    await A.goto(app.url);
    await A.getByRole('heading', { name: 'Your contexts' }).waitFor();
    expect(await A.getByTestId('update-banner').count()).toBe(0);

    // Publish a changed service worker, as a new deployment would.
    const sw = join(served, 'sw.js');
    await writeFile(sw, `${await readFile(sw, 'utf8')}\n// next version\n`);
    await A.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());

    const banner = A.getByTestId('update-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('A new version of Tabnode is ready.');
    await screenshot(A, 'pwa-update-banner');
    await expectAccessible(A, 'the update banner');
    const wide = A.viewportSize()!;
    await A.setViewportSize({ width: 375, height: 700 });
    await screenshot(A, 'pwa-update-banner-narrow');
    await A.setViewportSize(wide);

    await Promise.all([A.waitForEvent('load'), banner.getByRole('button', { name: 'Reload' }).click()]);
    await A.getByRole('heading', { name: 'Your contexts' }).waitFor();
    expect(await A.getByTestId('update-banner').count()).toBe(0);
    const registration = await A.evaluate(async () => {
      const r = (await navigator.serviceWorker.getRegistration())!;
      return { waiting: r.waiting !== null, active: r.active?.state };
    });
    expect(registration).toEqual({ waiting: false, active: 'activated' });
  });
});
