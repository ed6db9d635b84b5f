// Head flooding (issue 10's critical finding) against real Chromium peers over real WebRTC:
// an outsider and then a member send forged ops; every member goes on writing, the forged
// ops are listed as refused with a reason in the sync panel, and none is relayed.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AttackerFixture } from './fixtures/attacker/main.ts';
import { eventually } from './eventually.ts';
import { forwardErrors, launchBrowser, launchPeers, screenshot, startApp, type App, type Peers } from './harness.ts';
import { contextView, signIn } from './tabnode.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/attacker/', import.meta.url));

let app: App;
let peers: Peers;
let A: Page, B: Page;
let browser: Browser;
let script: string;
let id: string;
const pageErrors: string[] = [];

/** Calls window.attacker[method](...args) in `page`. */
function attacker<M extends keyof AttackerFixture>(page: Page, method: M, ...args: Parameters<AttackerFixture[M]>): Promise<Awaited<ReturnType<AttackerFixture[M]>>> {
  type Loose = { attacker: Record<string, (...a: unknown[]) => unknown> };
  return page.evaluate(([m, a]) => (globalThis as unknown as Loose).attacker[m]!(...a), [method, args] as [string, unknown[]]) as never;
}

/** A fresh browser profile with the attacker script in a page of the app's origin. */
async function attackerPage(): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  forwardErrors('attacker', pageErrors, page);
  // A page of the app's origin that does not run the app (no second Yjs beside the script's).
  await page.goto(new URL('/apps/index.json', app.url).href);
  await page.addScriptTag({ content: script });
  return page;
}

async function write(page: Page, key: string): Promise<void> {
  const outcome = await page.evaluate(([i, k]) => window.tabnode!.contexts.open(i).write({ method: 'set', args: { key: k, value: 1 } }), [id, key] as const);
  expect(outcome.valid).toBe(true);
}

async function bothWriteAndSee(tag: string): Promise<void> {
  await write(A, `a-${tag}`);
  await write(B, `b-${tag}`);
  for (const page of [A, B]) {
    await eventually(`both writes on ${tag}`, () => contextView(page, id), (v) => v.kv.some(([k]) => k === `a-${tag}`) && v.kv.some(([k]) => k === `b-${tag}`));
  }
}

/** The member that lists at least `count` rejections for `reason` (the one flooded), and the other. */
async function listedBy(reason: string, count: number): Promise<[Page, Page]> {
  const lists = async (page: Page) => (await contextView(page, id)).rejected.filter((r) => r.reason === reason).length >= count;
  const first = await eventually(`a member lists ${count} × ${reason}`, async () => ((await lists(A)) ? A : (await lists(B)) ? B : undefined), (page) => page !== undefined);
  return first === A ? [A, B] : [B, A];
}

/** A and B end with the same heads (their two writes at most: nothing forged among them) and op count. */
async function sameHistory(): Promise<void> {
  const a = await eventually('A and B agree', async () => [await contextView(A, id), await contextView(B, id)] as const, ([x, y]) => x.heads.join() === y.heads.join() && x.opCount === y.opCount);
  expect(a[0].heads.length).toBeLessThanOrEqual(2);
}

beforeAll(async () => {
  const outDir = await mkdtemp(join(tmpdir(), 'tabnode-attacker-'));
  try {
    await build({
      configFile: false,
      root: FIXTURE,
      logLevel: 'warn',
      build: { outDir, target: 'es2022', emptyOutDir: true, lib: { entry: join(FIXTURE, 'main.ts'), formats: ['iife'], name: 'attackerFixture', fileName: 'attacker' } },
    });
    script = await readFile(join(outDir, 'attacker.iife.js'), 'utf8');
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
  app = await startApp();
  peers = await launchPeers(2, { app });
  [A, B] = peers.peers.map((p) => p.page) as [Page, Page];
  await Promise.all([signIn(A, 'Alice laptop'), signIn(B, 'Bob laptop')]);
  id = await A.evaluate(() => window.tabnode!.contexts.create('Flood target'));
  const link = await A.evaluate((i) => window.tabnode!.contexts.open(i).invite({ role: 'writer' }), id);
  await B.evaluate((l) => window.tabnode!.contexts.join(l), link);
  await eventually('B joined', () => contextView(B, id), (v) => !v.joining);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await peers?.close();
  await app?.close();
});

describe('head flooding over real WebRTC', () => {
  test('an outsider who holds the room secret floods 40 forged ops: ignored with a reason, not relayed; both members write on', async () => {
    const link = await A.evaluate((i) => window.tabnode!.contexts.open(i).invite({ role: 'reader' }), id);
    const mallory = await attackerPage();
    await attacker(mallory, 'enter', { link, signalingUrl: app.signalingUrl, present: 'member' });
    await eventually('links to both members', () => attacker(mallory, 'report'), (r) => r.filter((p) => p.refusals.length > 0).length === 2, 60_000);
    // Sent to one member only: the other must never see them.
    expect(await attacker(mallory, 'flood', 40, undefined, true)).toBe(40);
    const [first, other] = await listedBy('not-admitted', 1);
    await bothWriteAndSee('after-outsider');
    await sameHistory();
    for (const page of [A, B]) expect((await contextView(page, id)).invalidOps).toEqual([]);
    expect((await contextView(other, id)).rejected).toEqual([]);
    await first.goto(new URL(`/contexts/${id}`, app.url).href);
    await first.getByTestId('sync-panel').locator('[data-reason="not-admitted"]').first().waitFor();
    await screenshot(first!, 'attack-outsider-flood-sync-panel');
    await attacker(mallory, 'leave');
    await mallory.context().close();
  }, 120_000);

  test('a member floods 33 ops by throwaway keys on its heads: rejected (unknown key) and listed, never relayed; both members write on', async () => {
    const link = await A.evaluate((i) => window.tabnode!.contexts.open(i).invite({ role: 'writer' }), id);
    const mallory = await attackerPage();
    await attacker(mallory, 'enter', { link, signalingUrl: app.signalingUrl, present: 'invite' });
    await eventually('a link', () => attacker(mallory, 'peers'), (n) => n >= 1, 60_000);
    await attacker(mallory, 'join');
    await eventually('Mallory is a member', () => contextView(A, id), (v) => v.members.length === 3);
    await eventually('B knows it too', () => contextView(B, id), (v) => v.members.length === 3);
    const heads = (await contextView(A, id)).heads;
    // Sent to the member that took the join; the other must never see them.
    await attacker(mallory, 'flood', 33, heads, true);
    const [first, other] = await listedBy('unknown-key', 33);
    await bothWriteAndSee('after-member');
    await sameHistory();
    expect((await contextView(other, id)).rejected.filter((r) => r.reason === 'unknown-key')).toEqual([]);
    await first.goto(new URL(`/contexts/${id}`, app.url).href);
    await first.getByTestId('sync-panel').locator('[data-reason="unknown-key"]').first().waitFor();
    await screenshot(first!, 'attack-member-flood-sync-panel');
    await attacker(mallory, 'leave');
    await mallory.context().close();
    expect(pageErrors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    for (const p of peers.peers) expect(p.errors).toEqual([]);
  }, 120_000);
});
