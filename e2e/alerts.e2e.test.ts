import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible } from './axe.ts';
import { eventually } from './eventually.ts';
import { contextView, signIn } from './tabnode.ts';
import { launchPeers, screenshot, startApp, type App, type Peers } from './harness.ts';

/**
 * Alerts between real Chromium peers: admin A invites B as a reader; B's write is refused by
 * the rules on A's node, which raises one alert (top-bar badge, alert centre entry naming
 * B and the reason) and one browser notification (permission granted, the real
 * Notification wrapped to record what is shown). Acknowledged, it stays so after a reload.
 */

// Runs before the app's scripts: records every notification the page shows, still showing it.
const RECORD_NOTIFICATIONS = `(() => {
  const Real = window.Notification;
  if (!Real) return;
  const shown = [];
  class Recording extends Real {
    constructor(title, options) {
      super(title, options);
      shown.push({ title, body: (options && options.body) || '', tag: (options && options.tag) || '' });
    }
  }
  Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
  Recording.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Recording;
  window.__shownNotifications = shown;
})();`;

type Shown = { title: string; body: string; tag: string };
const shownOn = (page: Page): Promise<Shown[]> => page.evaluate(() => (window as unknown as { __shownNotifications?: Shown[] }).__shownNotifications ?? []);

let app: App;
let peers: Peers;
let A: Page, B: Page;
let contextId: string;

beforeAll(async () => {
  app = await startApp();
  peers = await launchPeers(2, { app });
  [A, B] = peers.peers.map((p) => p.page) as [Page, Page];
  const aContext = peers.peers[0]!.context;
  await aContext.grantPermissions(['notifications'], { origin: new URL(app.url).origin });
  await aContext.addInitScript({ content: RECORD_NOTIFICATIONS });
  await A.reload();
  await Promise.all([signIn(A, 'Alice laptop'), signIn(B, 'Bob laptop')]);
});

afterAll(async () => {
  await peers?.close();
  await app?.close();
});

describe('alerts across real browsers', () => {
  test("a reader's refused write raises an alert and a browser notification on the admin's node; acknowledged, it stays so after a reload", async () => {
    contextId = await A.evaluate(() => window.tabnode!.contexts.create('Design team'));
    const link = await A.evaluate((id) => window.tabnode!.contexts.open(id).invite({ role: 'reader' }), contextId);
    await B.goto(link);
    await B.getByRole('button', { name: 'Join' }).click();
    await B.getByTestId('context-name').waitFor();
    await eventually('B is a reader, joined', () => contextView(B, contextId), (v) => v.myRole === 'reader' && !v.joining);
    await eventually('A sees B', () => contextView(A, contextId), (v) => v.members.length === 2);
    expect(await A.getByTestId('alert-badge').count()).toBe(0);

    // B tries to write through the page, as a person would: its own node says no at once.
    await B.getByLabel('Key', { exact: true }).fill('sneaky');
    await B.getByLabel('Value (JSON or text)').fill('1');
    await B.getByRole('button', { name: 'Set', exact: true }).click();
    await eventually('B told its write was refused', () => B.getByTestId('outcome').textContent(), (t) => Boolean(t?.includes('insufficient-role')));

    // A's node refuses it too, and says so: badge, notification, alert centre.
    await A.getByRole('link', { name: 'Alerts (1 open)' }).waitFor();
    const [shown, ...more] = await eventually('one notification on A', () => shownOn(A), (n) => n.length > 0);
    expect(more).toEqual([]);
    expect(shown!.title).toBe('Tabnode: alert in Design team');
    // Plain words only: no refusal code, no rule message.
    expect(shown!.body).toBe('Bob laptop tried to change the shared data in “Design team” and was refused: role does not allow it.');
    expect(await A.evaluate(() => Notification.permission)).toBe('granted');

    // The admin's dashboard shows it among the open alerts.
    await A.getByRole('link', { name: 'Dashboard' }).click();
    const summary = A.getByTestId('alert-summary');
    await eventually('the dashboard lists the alert', () => summary.textContent(), (t) => Boolean(t?.includes('Bob laptop tried to change the shared data')));
    // The plots drawn (not "Loading the plot…") before the picture and the checks.
    await A.locator('.uplot canvas').first().waitFor();
    await eventually('no plot still loading', () => A.getByText('Loading the plot…').count(), (n) => n === 0);
    await screenshot(A, 'dashboard-with-alert');
    // axe over the dashboard with an open alert, on a desktop, at 375 px and in the dark scheme.
    await expectAccessible(A, 'the dashboard with an open alert');
    await A.setViewportSize({ width: 375, height: 800 });
    await expectAccessible(A, 'the dashboard with an open alert at 375 px');
    expect(await A.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await A.setViewportSize({ width: 1280, height: 720 });
    await A.emulateMedia({ colorScheme: 'dark' });
    expect(await A.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
    await expectAccessible(A, 'the dashboard with an open alert, dark');
    await screenshot(A, 'dashboard-with-alert-dark');

    await A.getByRole('link', { name: 'Alerts (1 open)' }).click();
    await A.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    const entry = A.locator('[data-testid=alert][data-kind=unauthorized]');
    await entry.waitFor();
    expect(await entry.count()).toBe(1);
    expect(await entry.textContent()).toMatch(/Unauthorized action.*in Design team.*Bob laptop tried to change the shared data.*role does not allow it/);
    expect(await entry.textContent()).not.toMatch(/tabnode:local/);
    // What is shown reads as words; the code and the rule's message are folded under Details.
    const words = entry.locator('.alert-message');
    expect(await words.innerText()).not.toMatch(/insufficient-role|protocol error|expected type|needs writer/);
    await entry.getByText('Details').click();
    expect(await entry.locator('details.detail code').innerText()).toBe('insufficient-role: a reader cannot do this (needs writer)');
    await entry.getByText('Details').click();
    expect(await A.getByTestId('notifications').textContent()).toMatch(/notifications are on/);
    await expectAccessible(A, 'the alert centre with an open alert, dark');
    await screenshot(A, 'alerts-centre-dark');
    await A.emulateMedia({ colorScheme: 'light' });
    await expectAccessible(A, 'the alert centre with an open alert');
    await screenshot(A, 'alerts-centre');
    await A.setViewportSize({ width: 375, height: 800 });
    await expectAccessible(A, 'the alert centre with an open alert at 375 px');
    await screenshot(A, 'alerts-centre-375');
    expect(await A.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await A.setViewportSize({ width: 1280, height: 720 });

    // Filters: another kind hides it, its context shows it.
    await A.getByLabel('Kind').selectOption('divergence');
    await eventually('filtered out', () => entry.count(), (n) => n === 0);
    await A.getByLabel('Kind').selectOption('');
    await A.getByLabel('Context').selectOption(contextId);
    await eventually('back', () => entry.count(), (n) => n === 1);

    await entry.getByRole('button', { name: 'Acknowledge' }).click();
    await eventually('acknowledged', () => entry.getAttribute('data-acknowledged'), (v) => v === 'true');
    await A.getByRole('link', { name: 'Alerts', exact: true }).waitFor();
    expect(await A.getByTestId('alert-badge').count()).toBe(0);

    await A.reload();
    await A.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await entry.waitFor();
    expect(await entry.getAttribute('data-acknowledged')).toBe('true');
    expect(await entry.textContent()).toMatch(/Acknowledged/);
    expect(await A.getByTestId('alert-badge').count()).toBe(0);
    // Notified once: the reloaded page does not show it again.
    expect(await shownOn(A)).toEqual([]);
    await screenshot(A, 'alerts-centre-acknowledged');

    for (const p of peers.peers) expect(p.errors).toEqual([]);
  });
});
