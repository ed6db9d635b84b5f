import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible } from './axe.ts';
import { eventually } from './eventually.ts';
import { launchPeers, screenshot, startApp, unexpectedErrors, type App, type Peers } from './harness.ts';
import { setKey } from './kvPanel.ts';
import { contextView, signIn } from './tabnode.ts';

/**
 * What a member does with a context as a whole, through the page, between two real
 * browsers: told when a write of theirs lost to a concurrent one, change the app (admin),
 * leave, and delete it from this device — each behind a confirmation.
 */

let app: App;
let peers: Peers;
let A: Page, B: Page;
let id: string;

/** Confirms in the dialog named `title` (axe-checked as it is shown, on a desktop and at 375 px) with `button`. */
async function confirmIn(page: Page, title: string, button: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  await expectAccessible(page, `the “${title}” dialog`);
  const desktop = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 800 });
  await expectAccessible(page, `the “${title}” dialog at 375 px`);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  if (desktop) await page.setViewportSize(desktop);
  await dialog.getByRole('button', { name: button }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Opens the dialog named `title` with `open`, cancels it (Cancel has the focus), and waits for it to go. */
async function cancelIn(page: Page, title: string, open: () => Promise<void>): Promise<void> {
  await open();
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  expect(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((b) => b === document.activeElement)).toBe(true);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
}

beforeAll(async () => {
  app = await startApp();
  peers = await launchPeers(2, { app });
  [A, B] = peers.peers.map((p) => p.page) as [Page, Page];
  await Promise.all([signIn(A, 'Alice laptop'), signIn(B, 'Bob laptop')]);
  id = await A.evaluate(() => window.tabnode!.contexts.create('Design team'));
  const link = await A.evaluate((c) => window.tabnode!.contexts.open(c).invite({ role: 'writer' }), id);
  await B.evaluate((l) => window.tabnode!.contexts.join(l), link);
  await eventually('two members', () => contextView(A, id), (v) => v.members.length === 2, 30_000);
  for (const page of [A, B]) {
    await page.goto(new URL(`/contexts/${id}`, app.url).href);
    await page.getByTestId('context-name').waitFor();
  }
});

afterAll(async () => {
  await peers?.close();
  await app?.close();
});

describe('acting on a context as a whole', () => {
  test('two members set one key while apart: the one whose value lost is told who won, with what', async () => {
    for (const page of [A, B]) await page.getByRole('button', { name: 'Work offline' }).click();
    await setKey(A, 'colour', '"teal"');
    expect(await A.getByTestId('outcome').textContent()).toMatch(/saved on this device; will be shared when a member is online/);
    await setKey(B, 'colour', '"red"');
    for (const page of [A, B]) await page.getByRole('button', { name: 'Go back online' }).click();
    const [va, vb] = await eventually(
      'both agree',
      async () => [await contextView(A, id), await contextView(B, id)] as const,
      ([x, y]) => x.stateRoot === y.stateRoot && x.opCount === y.opCount && x.kv.some(([k]) => k === 'colour'),
      30_000,
    );
    const won = va.kv.find(([k]) => k === 'colour')![1];
    const [loser, winnerName] = won === 'red' ? [A, 'Bob laptop'] : [B, 'Alice laptop'];
    const notice = loser.getByTestId('overwrites');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(new RegExp(`${winnerName} changed colour while you did; the merge kept "${won}"`));
    await screenshot(loser, 'overwrite-notice');
    await expectAccessible(loser, 'the overwrite notice');
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await notice.waitFor({ state: 'detached' });
    expect(vb.overwrites === undefined || va.overwrites === undefined).toBe(true);
  });

  test('removing a key and lowering a role each ask first: Cancel changes nothing, confirming does it', async () => {
    const row = A.locator('[data-testid=kv] tr[data-key=colour]');
    const removeKey = () => row.getByRole('button', { name: 'Remove colour' }).click();
    await cancelIn(A, 'Remove “colour”?', removeKey);
    expect((await contextView(A, id)).kv.some(([k]) => k === 'colour')).toBe(true);
    await removeKey();
    await confirmIn(A, 'Remove “colour”?', 'Remove key');
    await eventually('the key gone on A', () => contextView(A, id), (v) => !v.kv.some(([k]) => k === 'colour'));
    await eventually('and on B', () => contextView(B, id), (v) => !v.kv.some(([k]) => k === 'colour'));

    const bRoot = (await contextView(B, id)).myRoot;
    const role = A.locator(`[data-testid=member][data-root="${bRoot}"]`).getByLabel('Role of Bob laptop');
    const opsBefore = (await contextView(A, id)).opCount;
    const toldBefore = await A.getByTestId('outcome').textContent();
    await cancelIn(A, 'Make Bob laptop a reader?', () => role.selectOption('reader').then(() => undefined));
    // Nothing was signed: B is still a writer, and the menu says so.
    expect(await role.inputValue()).toBe('writer');
    // A round trip after the cancel: once B's write reaches A, A holds exactly that one op
    // more (it signed none), B is still a writer on both sides, and A told nothing new.
    await B.evaluate((c) => window.tabnode!.contexts.open(c).write({ method: 'set', args: { key: 'after-cancel', value: 1 } }), id);
    const after = await eventually('B’s write reaches A', () => contextView(A, id), (v) => v.kv.some(([k]) => k === 'after-cancel'));
    expect(after.opCount).toBe(opsBefore + 1);
    expect(after.members.find((m) => m.root === bRoot)?.role).toBe('writer');
    expect((await contextView(B, id)).myRole).toBe('writer');
    expect(await A.getByTestId('outcome').textContent()).toBe(toldBefore);
    await role.selectOption('reader');
    await screenshot(A, 'confirm-lower-role');
    await confirmIn(A, 'Make Bob laptop a reader?', 'Make reader');
    await eventually('A told', () => A.getByTestId('outcome').textContent(), (t) => t === 'Bob laptop is now a reader.');
    await eventually('B is a reader', () => contextView(B, id), (v) => v.myRole === 'reader');
    // Giving more rights back does not ask.
    await role.selectOption('writer');
    expect(await A.getByRole('dialog').count()).toBe(0);
    await eventually('B is a writer again', () => contextView(B, id), (v) => v.myRole === 'writer');
  });

  test('an admin changes the app, after confirming; the member runs the new one', async () => {
    await A.getByLabel('Change the app to').selectOption('kv-store');
    await A.getByRole('button', { name: 'Change app…' }).click();
    await confirmIn(A, 'Change the app to kv-store?', 'Change app');
    await eventually('A told', () => A.getByTestId('outcome').textContent(), (t) => t === 'The app is now kv-store.');
    const appId = (await contextView(A, id)).appId;
    await eventually('B runs it', () => contextView(B, id), (v) => v.appId === appId);
    // B's node fetched the WASM app from A (by hash) and runs it: it has kv-store's `entries`.
    const namesOn = (page: Page): Promise<string[]> => page.evaluate(async (c) => (await window.tabnode!.contexts.open(c).methods()).map((x) => x.name), id);
    const methods = await eventually('B loads the new app', () => namesOn(B), (m) => m.includes('entries'), 30_000);
    expect(methods).toEqual(expect.arrayContaining(['get', 'set', 'remove', 'entries']));
    await eventually('B names the app', () => B.getByTestId('app-name').textContent(), (t) => t === 'kv-store');
    // B is a writer: no control to change the app.
    expect(await B.getByLabel('Change the app to').count()).toBe(0);
  });

  test('a member leaves after confirming: members see it gone, and its page says it left', async () => {
    await B.getByRole('button', { name: 'Leave context…' }).click();
    const dialog = B.getByRole('dialog', { name: 'Leave “Design team”?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await contextView(B, id)).myRole).toBe('writer');
    await B.getByRole('button', { name: 'Leave context…' }).click();
    await confirmIn(B, 'Leave “Design team”?', 'Leave');
    await eventually('B told', () => B.getByTestId('read-only').textContent().catch(() => null), (t) => Boolean(t?.startsWith('You left this context')));
    await eventually('A sees B gone', () => contextView(A, id), (v) => v.members.length === 1, 30_000);
  });

  test('deleting it from this device forgets it here only', async () => {
    await B.getByRole('button', { name: 'Delete from this device…' }).click();
    await confirmIn(B, 'Delete “Design team” from this device?', 'Delete here');
    await B.getByRole('heading', { name: 'Your contexts' }).waitFor();
    expect(await B.evaluate(() => window.tabnode!.contexts.list())).toEqual([]);
    await B.getByText('No contexts yet').waitFor();
    expect((await A.evaluate(() => window.tabnode!.contexts.list())).map((c) => c.id)).toEqual([id]);
    expect(unexpectedErrors(peers.peers)).toEqual([]);
  });

  test('a backup downloaded from the page brings a deleted context back from the file alone, every op checked again', async () => {
    await A.goto(new URL(`/contexts/${id}`, app.url).href);
    await A.getByTestId('context-name').waitFor();
    const before = await contextView(A, id);
    const [download] = await Promise.all([A.waitForEvent('download'), A.getByRole('button', { name: 'Download backup' }).click()]);
    const file = await download.path();
    expect(download.suggestedFilename()).toMatch(/^tabnode-backup-design-team-.*\.json$/);
    await A.getByRole('button', { name: 'Delete from this device…' }).click();
    await confirmIn(A, 'Delete “Design team” from this device?', 'Delete here');
    await A.getByText('No contexts yet').waitFor();

    await A.getByTestId('restore-file').setInputFiles(file);
    const status = A.getByRole('status').filter({ hasText: 'Restored' });
    await status.waitFor();
    expect(await status.textContent()).toMatch(/Restored “Design team”: \d+ ops checked and added\./);
    await screenshot(A, 'restored-from-backup');
    await A.getByRole('link', { name: 'Open “Design team”' }).click();
    await A.getByTestId('context-name').waitFor();
    const after = await eventually('the restored context shows what it held', () => contextView(A, id), (v) => !v.joining && v.kv.length === before.kv.length);
    expect(after.kv).toEqual(before.kv);
    expect(after.members.map((m) => m.root)).toEqual(before.members.map((m) => m.root));
    expect(unexpectedErrors(peers.peers)).toEqual([]);
  });
});
