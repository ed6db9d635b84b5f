import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { ContextView } from '../src/node/index.ts';
import { eventually } from './eventually.ts';
import { setKey } from './kvPanel.ts';
import { contextView, signIn } from './tabnode.ts';
import { launchPeers, screenshot, startApp, type App, type Peers } from './harness.ts';

/**
 * Contexts between real Chromium peers over real WebRTC through the app's own signaling:
 * invites by link, roles enforced by every peer, removal, a history over 1 MB, offline
 * edits, reloads, and a peer without membership getting nothing on the wire.
 */

let app: App;
let peers: Peers;
let A: Page, B: Page, C: Page, D: Page, E: Page;
let contextId: string;

const view = (page: Page): Promise<ContextView> => contextView(page, contextId);

async function joinByLink(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByTestId('context-name').waitFor();
}

const keys = (v: ContextView) => v.kv.map(([k]) => k);

beforeAll(async () => {
  app = await startApp();
  peers = await launchPeers(5, { app });
  [A, B, C, D, E] = peers.peers.map((p) => p.page) as [Page, Page, Page, Page, Page];
  await Promise.all([signIn(A, 'Alice laptop'), signIn(B, 'Bob laptop'), signIn(C, 'Carol laptop'), signIn(D, 'Dan laptop'), signIn(E, 'Eve laptop')]);
});

afterAll(async () => {
  await peers?.close();
  await app?.close();
});

describe('contexts across real browsers', () => {
  test('A creates a context and invites B as writer and C as reader by link', async () => {
    await A.reload();
    await A.getByLabel('Name').fill('Design team');
    await A.getByRole('button', { name: 'Create context' }).click();
    await A.getByTestId('context-name').waitFor();
    contextId = new URL(A.url()).pathname.split('/').at(-1)!;
    expect(contextId).toMatch(/^[0-9a-f]{64}$/);

    await A.getByRole('button', { name: 'Invite…' }).click();
    await A.getByLabel('Role').selectOption('writer');
    await A.getByRole('button', { name: 'Make invite link' }).click();
    const linkB = await A.getByTestId('invite-link').inputValue();
    expect(linkB).toMatch(new RegExp(`^${app.url}join#[A-Za-z0-9_-]+$`));
    expect(await A.getByRole('img', { name: 'QR code of the invite link' }).count()).toBe(1);
    await screenshot(A, 'invite-dialog');
    await A.getByLabel('Role').selectOption('reader');
    await A.getByRole('button', { name: 'Make another link' }).click();
    await eventually('a second link', () => A.getByTestId('invite-link').inputValue(), (l) => l !== linkB);
    const linkC = await A.getByTestId('invite-link').inputValue();
    await A.getByRole('button', { name: 'Close' }).click();

    await B.goto(linkB);
    await B.getByTestId('invite-context').waitFor();
    expect(await B.getByTestId('invite-context').textContent()).toBe('Design team');
    await screenshot(B, 'join-page');
    await B.getByRole('button', { name: 'Join' }).click();
    await B.getByTestId('context-name').waitFor();
    await joinByLink(C, linkC);
    (globalThis as { linkC?: string }).linkC = linkC;

    for (const page of [A, B, C]) {
      await eventually('three members everywhere', () => view(page), (v) => v.members.length === 3 && !v.joining);
      await eventually('three member rows', () => page.getByTestId('member').count(), (n) => n === 3);
    }
    expect((await view(B)).myRole).toBe('writer');
    expect((await view(C)).myRole).toBe('reader');
    await screenshot(B, 'context-joined');
  });

  test('a writer’s change reaches everyone; a reader’s write is rejected by every peer', async () => {
    expect(await setKey(B, 'colour', '"teal"')).toMatch(/saved and shared/);
    for (const page of [A, C]) await eventually('B’s value', () => view(page), (v) => keys(v).includes('colour'));

    expect(await setKey(C, 'sneaky', '1')).toMatch(/Your role in this context does not allow this/);
    // Plain words for people; the rule's code only in the folded details.
    expect(await C.getByTestId('outcome').innerText()).not.toMatch(/tabnode:|insufficient-role/);
    expect(await C.getByTestId('outcome').locator('details').textContent()).toMatch(/insufficient-role/);
    const cOp = (await view(C)).invalidOps.find((o) => o.reason === 'insufficient-role')!;
    expect(cOp).toBeDefined();
    for (const page of [A, B]) {
      const v = await eventually('C’s write shown as rejected', () => view(page), (x) => x.invalidOps.some((o) => o.key === cOp.key));
      expect(v.invalidOps.find((o) => o.key === cOp.key)?.reason).toBe('insufficient-role');
      expect(keys(v)).not.toContain('sneaky');
      await eventually('the sync panel lists it', () => page.locator(`[data-testid=invalid-ops] [data-key="${cOp.key}"]`).count(), (n) => n === 1);
      // Why, in plain words; the rule's code stays as the badge's tooltip.
      const row = page.locator(`[data-testid=invalid-ops] [data-key="${cOp.key}"]`);
      expect(await row.locator('.badge').textContent()).toBe('Role does not allow it');
      expect(await row.locator('.badge').getAttribute('title')).toBe('insufficient-role');
      expect(await row.textContent()).not.toContain('insufficient-role');
    }
    await screenshot(A, 'rejected-write');
  });

  test('A removes B; B’s later writes are refused everywhere and B gets nothing new', async () => {
    const bRoot = (await view(B)).myRoot;
    await A.locator(`[data-testid=member][data-root="${bRoot}"]`).getByRole('button', { name: 'Remove' }).click();
    // A confirmation first: Cancel keeps B, and has the focus.
    const confirm = A.getByRole('dialog', { name: 'Remove Bob laptop?' });
    await confirm.waitFor();
    expect(await confirm.getByRole('button', { name: 'Cancel' }).evaluate((b) => b === document.activeElement)).toBe(true);
    await screenshot(A, 'confirm-remove');
    await A.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect((await view(A)).members.some((m) => m.root === bRoot)).toBe(true);
    await A.locator(`[data-testid=member][data-root="${bRoot}"]`).getByRole('button', { name: 'Remove' }).click();
    await confirm.getByRole('button', { name: 'Remove member' }).click();
    await eventually('B removed on A', () => view(A), (v) => !v.members.some((m) => m.root === bRoot));
    await eventually('B learns of its removal', () => view(B), (v) => !v.members.some((m) => m.root === bRoot));

    // B's page says who removed it and no longer offers a write.
    await eventually('B told who removed it', () => B.getByTestId('read-only').textContent(), (t) => Boolean(t?.includes('You were removed from this context by Alice laptop')));
    expect(await B.getByRole('button', { name: 'Set', exact: true }).isDisabled()).toBe(true);
    await screenshot(B, 'removed-member');
    // A write B's node still makes (through the API) is refused by every peer.
    const lateWrite = await B.evaluate((id) => window.tabnode!.contexts.open(id).write({ method: 'set', args: { key: 'after-removal', value: 'x' } }), contextId);
    expect(lateWrite).toMatchObject({ valid: false, reason: 'not-a-member' });
    const late = (await view(B)).invalidOps.find((o) => o.reason === 'not-a-member')!;
    // B's node shows its refused write to its peers, which no longer admit B: ignored unread, and said so.
    for (const page of [A, C]) {
      await eventually('B’s late write ignored, with the reason', () => view(page), (v) => v.rejected.some((r) => r.reason === 'not-admitted'));
      expect((await view(page)).invalidOps.some((o) => o.key === late.key)).toBe(false);
    }
    expect(await setKey(A, 'secret-plan', '"only members"')).toMatch(/saved/);
    await eventually('C gets A’s new value', () => view(C), (v) => keys(v).includes('secret-plan'));
    await new Promise((r) => setTimeout(r, 3000));
    const b = await view(B);
    expect(keys(b)).not.toContain('secret-plan');
    expect(b.peers.every((p) => p.state !== 'verified' || p.refusedBy !== undefined || true)).toBe(true);
    expect(b.peers.some((p) => p.refusedBy?.includes('not a member'))).toBe(true);
  });

  test('a peer with a used-up invite gets no op at all (checked on the wire)', async () => {
    const linkC = (globalThis as { linkC?: string }).linkC!;
    await E.goto(linkC);
    await E.getByRole('button', { name: 'Join' }).click();
    await E.getByTestId('context-name').waitFor();
    const e = await eventually('E refused by members', () => view(E), (v) => v.peers.length >= 2 && v.peers.filter((p) => p.refusedBy).length >= 2);
    expect(e.joinProblem).toMatch(/used up/);
    expect(e.opCount).toBe(0);
    for (const p of e.peers) expect(p.received.ops).toBe(0);
    await E.getByText(/Cannot join: .*used up/).waitFor();
    await screenshot(E, 'join-refused');
  });

  test('a peer joining a context with over 1 MB of history catches up', async () => {
    const big = 'x'.repeat(55_000);
    for (let i = 0; i < 20; i++) {
      const outcome = await A.evaluate(([id, k, v]) => window.tabnode!.contexts.open(id!).write({ method: 'set', args: { key: k, value: v } }), [contextId, `blob-${i}`, big]);
      expect(outcome.valid).toBe(true);
    }
    const link = await A.evaluate((id) => window.tabnode!.contexts.open(id).invite({ role: 'writer' }), contextId);
    await joinByLink(D, link);
    const aView = await view(A);
    const d = await eventually('D caught up', () => view(D), (v) => !v.joining && keys(v).filter((k) => k.startsWith('blob-')).length === 20, 60_000);
    expect(d.stateRoot).toBe((await view(A)).stateRoot);
    expect(d.opCount).toBeGreaterThanOrEqual(aView.opCount);
    const received = d.peers.reduce((n, p) => n + p.received.bytes, 0);
    expect(received).toBeGreaterThan(1_000_000);
  });

  test('edits made while a peer is offline merge when it comes back', async () => {
    await D.getByRole('button', { name: 'Work offline' }).click();
    await eventually('D offline', () => view(D), (v) => !v.online && v.peers.length === 0);
    expect(await setKey(D, 'offline-d', '"from D"')).toMatch(/saved on this device; will be shared when a member is online/);
    expect(await setKey(A, 'online-a', '"from A"')).toMatch(/saved/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(keys(await view(A))).not.toContain('offline-d');
    await D.getByRole('button', { name: 'Go back online' }).click();
    for (const page of [A, D, C]) {
      await eventually('both edits everywhere', () => view(page), (v) => keys(v).includes('offline-d') && keys(v).includes('online-a'));
    }
  });

  test('members agree on checkpoints, and a reload keeps everything', async () => {
    await eventually('A and D agree', () => view(A), (v) => v.checkpoints.some((c) => c.label === 'Dan laptop' && c.comparison === 'agree'), 30_000);
    const before = await view(A);
    await A.reload();
    await A.getByTestId('context-name').waitFor();
    const after = await eventually('A reloaded', () => view(A), (v) => v.opCount === before.opCount);
    expect(keys(after)).toEqual(keys(before));
    expect(after.members.map((m) => `${m.root}:${m.role}`).sort()).toEqual(before.members.map((m) => `${m.root}:${m.role}`).sort());
    expect(after.stateRoot).toBe(before.stateRoot);
    expect(after.alerts.filter((a) => a.kind === 'divergence')).toEqual([]);
    await screenshot(A, 'context-after-reload');
  });
});
