// Clock skew between real Chromium peers: past the 10-minute tolerance both sides say whose
// clock is off and by how much (join page, sync panel); within it, joining just works.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually } from './eventually.ts';
import { forwardErrors, launchBrowser, screenshot, startApp, type App } from './harness.ts';
import { contextView, signIn } from './tabnode.ts';

const MINUTE = 60_000;
let app: App;
let browser: Browser;
let A: Page;
let id: string;

/** A browser profile whose clock runs `offsetMinutes` off the real one. */
async function peerWithClock(name: string, offsetMinutes: number): Promise<Page> {
  const context = await browser.newContext();
  if (offsetMinutes) await context.clock.install({ time: Date.now() + offsetMinutes * MINUTE });
  const page = await context.newPage();
  const errors: string[] = [];
  forwardErrors(name, errors, page);
  await page.goto(app.url);
  await signIn(page, `${name} laptop`);
  return page;
}

async function joinByLink(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByTestId('context-name').waitFor();
}

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  A = await peerWithClock('A', 0);
  id = await A.evaluate(() => window.tabnode!.contexts.create('Clocks'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('clock skew', () => {
  test('12 minutes ahead: the joiner is told its clock is ahead, the member that its peer is off', async () => {
    const C = await peerWithClock('C', 12);
    const link = await A.evaluate((i) => window.tabnode!.contexts.open(i).invite({ role: 'writer' }), id);
    await joinByLink(C, link);
    const problem = C.getByText(/Cannot join: your clock is 1[12] minutes ahead of this peer's/);
    await problem.waitFor({ timeout: 30_000 });
    await screenshot(C, 'clock-skew-join-page');
    const alert = await eventually('A says the peer is off', () => contextView(A, id), (v) => v.alerts.some((a) => a.kind === 'clock'));
    expect(alert.alerts.find((a) => a.kind === 'clock')!.message).toMatch(/your clock is 1[12] minutes behind this peer's/);
    await A.goto(new URL(`/contexts/${id}`, app.url).href);
    await A.getByTestId('alerts').getByText(/minutes behind this peer's/).first().waitFor();
    // Its badge in plain words, the kind only as the tooltip.
    const badge = A.locator('[data-testid=alerts] li[data-kind=clock] .badge').first();
    expect(await badge.innerText()).toBe('Clock off');
    expect(await badge.getAttribute('title')).toBe('clock');
    await screenshot(A, 'clock-skew-sync-panel');
    await C.context().close();
  }, 90_000);

  test('8 minutes ahead: within the tolerance, the joiner gets in and writes', async () => {
    const D = await peerWithClock('D', 8);
    const link = await A.evaluate((i) => window.tabnode!.contexts.open(i).invite({ role: 'writer' }), id);
    await joinByLink(D, link);
    await eventually('D joined', () => contextView(D, id), (v) => !v.joining, 60_000);
    const outcome = await D.evaluate((i) => window.tabnode!.contexts.open(i).write({ method: 'set', args: { key: 'from-8-minutes-ahead', value: 1 } }), id);
    expect(outcome.valid).toBe(true);
    await eventually('A has it', () => contextView(A, id), (v) => v.kv.some(([k]) => k === 'from-8-minutes-ahead'));
    await D.context().close();
  }, 90_000);
});
