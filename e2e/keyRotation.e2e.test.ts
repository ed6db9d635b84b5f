// Key rotation on a cadence between real Chromium peers: A sets a one-day cadence in
// Settings, both browsers' clocks jump a day ahead (Playwright's clock, the same jump on
// both so neither looks skewed to the other), A's key rotates by itself, and a write
// signed by the new key reaches B, who sees the old key revoked.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually } from './eventually.ts';
import { forwardErrors, launchBrowser, screenshot, startApp, unexpectedErrors, type App } from './harness.ts';
import { contextView, signIn } from './tabnode.ts';

let app: App;
let browser: Browser;
const peers: { page: Page; errors: string[] }[] = [];

/** A browser profile on a clock Playwright controls (it runs on by itself until told to jump). */
async function peerOnClock(name: string): Promise<Page> {
  const context = await browser.newContext();
  await context.clock.install({ time: Date.now() });
  const page = await context.newPage();
  const errors: string[] = [];
  forwardErrors(name, errors, page);
  peers.push({ page, errors });
  await page.goto(app.url);
  await signIn(page, `${name} laptop`);
  return page;
}

const keyOf = (page: Page) => page.evaluate(async () => (await window.tabnode!.identity.status()).device.publicKey);

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('key rotation on a cadence', () => {
  test('a one-day cadence set in Settings rotates the key a day later, and the new key’s write reaches the peer', async () => {
    const [A, B] = await Promise.all([peerOnClock('A'), peerOnClock('B')]);
    const id = await A.evaluate(() => window.tabnode!.contexts.create('Rotating team'));
    const link = await A.evaluate((i) => window.tabnode!.contexts.open(i).invite({ role: 'writer' }), id);
    await B.evaluate((l) => window.tabnode!.contexts.join(l), link);
    await eventually('B joined', () => contextView(B, id), (v) => !v.joining, 60_000);
    const oldKey = await keyOf(A);

    await A.goto(new URL('/settings', app.url).href);
    const section = A.getByTestId('rotation-cadence');
    await expect(section.getByTestId('rotation-next').textContent()).resolves.not.toBe('Off');
    await section.getByTestId('rotation-days').fill('1');
    await section.getByRole('button', { name: 'Apply rotation' }).click();
    await section.getByText('Rotation set: a new key every day.').waitFor();
    await screenshot(A, 'key-rotation-settings');
    expect(await keyOf(A)).toBe(oldKey);

    // A second tab of A's profile: both tabs look when the clock moves, one rotates.
    const A2 = await A.context().newPage();
    const a2errors: string[] = [];
    forwardErrors('A2', a2errors, A2);
    peers.push({ page: A2, errors: a2errors });
    await A2.goto(app.url);
    await A2.waitForFunction(() => window.tabnode !== undefined);

    // A day and an hour later on both machines (the clock is per profile, so A's two tabs
    // move together): the tabs' hourly checks find the key due.
    await Promise.all([A.clock.fastForward('25:00:00'), B.clock.fastForward('25:00:00')]);
    const rotationOf = (page: Page) => page.evaluate(() => window.tabnode!.devices.rotation.status());
    // Done once the old key's revocation is out, after the new key is in every context.
    await eventually('a tab of A rotated its key', () => Promise.all([rotationOf(A), rotationOf(A2)]), (both) => both.some((s) => s.last?.outcome === 'rotated'), 60_000);
    const [status, status2] = await Promise.all([rotationOf(A), rotationOf(A2)]);
    // The other tab lost the compare-and-set, or looked after the winner was done.
    expect([status.last?.outcome, status2.last?.outcome].filter((o) => o === 'rotated')).toHaveLength(1);
    expect([status.last?.outcome, status2.last?.outcome]).not.toContain('failed');
    const newKey = await keyOf(A);
    expect(await keyOf(A2)).toBe(newKey);
    expect(status).toMatchObject({ cadenceDays: 1, due: false, automatic: true, key: newKey });
    expect([status.last, status2.last].find((l) => l?.outcome === 'rotated')).toMatchObject({ oldKey, newKey });
    expect((await A.evaluate(() => window.tabnode!.devices.list())).map((d) => [d.key, d.thisDevice, d.revoked])).toEqual([
      [newKey, true, false],
      [oldKey, false, true],
    ]);
    await section.getByText(`${newKey.slice(0, 10)}…`).waitFor();
    await screenshot(A, 'key-rotation-settings-after');

    const write = await A.evaluate((i) => window.tabnode!.contexts.open(i).write({ method: 'set', args: { key: 'after-rotation', value: 'signed by the new key' } }), id);
    expect(write.valid).toBe(true);
    await eventually('B has the write by A’s new key', () => contextView(B, id), (v) => v.kv.some(([k]) => k === 'after-rotation'), 60_000);
    const audit = await B.evaluate((i) => window.tabnode!.contexts.open(i).audit(), id);
    expect(audit.find((e) => e.key === write.key)).toMatchObject({ valid: true, device: 'A laptop' });
    const rootA = await A.evaluate(async () => (await window.tabnode!.identity.status()).root!.id);
    const aKeysOnB = await eventually(
      'B sees A’s old key revoked',
      () => B.evaluate((r) => window.tabnode!.contexts.devicesOf(r), rootA),
      (keys) => keys.some((k) => k.revoked),
    );
    expect(aKeysOnB.filter((k) => !k.revoked)).toHaveLength(1);

    // A's devices: the old key is revoked, so nothing is stale or expiring.
    const hygiene = await A.evaluate(() => window.tabnode!.devices.hygiene());
    expect(hygiene).toMatchObject({ expiring: [], stale: [], cadenceDays: 1 });
    expect(unexpectedErrors(peers)).toEqual([]);
  }, 180_000);
});
