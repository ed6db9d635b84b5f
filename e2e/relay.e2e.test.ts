import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './chromium.ts';
import { eventually } from './eventually.ts';
import { contextView, signIn } from './tabnode.ts';
import { launchPeers, screenshot, startApp, unexpectedErrors, type App, type Peers } from './harness.ts';
import { heapContains, indexedDbContains } from './plaintext.ts';
import { startRelay, type RelayProcess } from './relayPeer.ts';

/**
 * A relay (`npm run peer`, the real script in a child process with its own profile) keeps a
 * context for its members: A and B write, go offline, and C joins and reads everything from
 * the relay alone; the relay comes back after a restart with its contexts and ops.
 */

let app: App;
let members: Peers | undefined;
let late: Peers | undefined;
let relay: RelayProcess | undefined;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tabnode-relay-e2e-'));
  app = await startApp();
  members = await launchPeers(2, { app, name: 'member' });
  await Promise.all(members.peers.map((p, i) => signIn(p.page, i === 0 ? 'Alice laptop' : 'Bob laptop')));
});

afterAll(async () => {
  await relay?.stop();
  await late?.close();
  await members?.close();
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const write = (page: Page, id: string, key: string, value: string) =>
  page.evaluate(([i, k, v]) => window.tabnode!.contexts.open(i as string).write({ method: 'set', args: { key: k, value: v } }), [id, key, value] as const);

/** The kinds of every op in the context's history, sorted. */
const kinds = async (page: Page, id: string) => (await page.evaluate((i) => window.tabnode!.contexts.open(i).audit(), id)).map((e) => e.kind).sort();

const valueOf = (kv: readonly (readonly [string, unknown])[], key: string) => kv.find(([k]) => k === key)?.[1];

// Values no code or fixture contains: found anywhere, they came from the shared state.
const FROM_A = 'alpha-plain-7c41e0';
const FROM_B = 'bravo-plain-93d2f5';

describe('a relay keeps a context while its members are offline', () => {
  test('members catch up from the relay alone, see it as a relay, and it survives a restart', async () => {
    const [A, B] = members!.peers.map((p) => p.page) as [Page, Page];

    // A creates the context and makes three links: B (writer), the relay, and C for later.
    const id = await A.evaluate(() => window.tabnode!.contexts.create('Relay test'));
    const short = id.slice(0, 8);
    const [linkB, linkRelay, linkC] = await A.evaluate(
      (i) => Promise.all((['writer', 'relay', 'writer'] as const).map((role) => window.tabnode!.contexts.open(i).invite({ role }))),
      id,
    );

    // A second context, relayed by the same process.
    const second = await A.evaluate(() => window.tabnode!.contexts.create('Second'));
    const secondLink = await A.evaluate((i) => window.tabnode!.contexts.open(i).invite({ role: 'relay' }), second);

    // The relay joins through its links; B joins through its own.
    relay = startRelay(dataDir, [linkRelay!, secondLink]);
    await B.evaluate((l) => window.tabnode!.contexts.join(l), linkB!);
    expect(await B.evaluate((i) => window.tabnode!.contexts.open(i).whenSettled(60_000), id)).toBe(true);
    const joined = await eventually('the relay has joined as a relay', async () => relay!.latest(short), (s) => s?.role === 'relay' && s.state === 'in sync', 90_000);
    expect(joined!.name).toBe('Relay test');
    await eventually('the relay holds the second context too', async () => relay!.latest(second.slice(0, 8)), (s) => s?.role === 'relay' && s.name === 'Second' && s.opCount === 2, 90_000);

    // Members see it with role relay.
    const relayMember = await eventually('A sees the relay as a member', () => contextView(A, id), (v) => v.members.some((m) => m.role === 'relay'));
    const relayRoot = relayMember.members.find((m) => m.role === 'relay')!.root;
    expect(relayMember.members.find((m) => m.role === 'relay')!.devices.map((d) => d.label)).toEqual(['Relay box']);
    await eventually('B sees the relay as a member', () => contextView(B, id), (v) => v.members.some((m) => m.root === relayRoot && m.role === 'relay'));

    // A and B write; the relay ends up holding every op they hold.
    expect(await write(A, id, 'from-a', FROM_A)).toMatchObject({ valid: true });
    expect(await write(B, id, 'from-b', FROM_B)).toMatchObject({ valid: true });
    const both = (v: Awaited<ReturnType<typeof contextView>>) => valueOf(v.kv, 'from-a') === FROM_A && valueOf(v.kv, 'from-b') === FROM_B;
    const history = (await eventually('A has both writes', () => contextView(A, id), both)).opCount;
    await eventually('B has the same history', () => contextView(B, id), (v) => both(v) && v.opCount === history);
    // Genesis; a key grant to each of the two member links (the relay's link gets none); B's
    // join and the grant to B's device; the relay's join (no grant: it never reads); two writes.
    expect(await kinds(A, id)).toEqual(['genesis', 'grant-epoch', 'grant-epoch', 'join', 'grant-epoch', 'join', 'sealed-delta', 'sealed-delta'].sort());
    expect(history).toBe(8);
    await eventually('the relay holds every op', async () => relay!.latest(short), (s) => s?.opCount === history, 60_000);

    // The members list on A's page names the relay with its role.
    await A.goto(`${app.url}contexts/${id}`);
    const row = A.locator(`[data-testid="member"][data-root="${relayRoot}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-role')).toBe('relay');
    expect(await row.textContent()).toContain('Relay box');
    await screenshot(A, 'relay-in-members-list');
    await B.goto(`${app.url}contexts/${id}`);
    await eventually('B shows the relay row with its role', () => B.locator(`[data-testid="member"][data-root="${relayRoot}"] [data-testid="member-role"]`).textContent(), (t) => t === 'relay');
    await eventually('B shows the relay online', () => B.locator(`[data-testid="member"][data-root="${relayRoot}"] [aria-label="Online"]`).count(), (n) => n === 1);
    await screenshot(B, 'relay-in-members-list-as-writer');
    expect(unexpectedErrors(members!.peers)).toEqual([]);

    // Every human goes offline.
    await members!.close();
    members = undefined;
    await eventually('the relay sees no peers', async () => relay!.latest(short), (s) => s?.peers === 0, 60_000);

    // C, a fresh browser, joins with A's earlier link and catches up from the relay alone.
    late = await launchPeers(1, { app, name: 'late' });
    const C = late.peers[0]!.page;
    await signIn(C, 'Carol laptop');
    await C.evaluate((l) => window.tabnode!.contexts.join(l), linkC!);
    expect(await C.evaluate((i) => window.tabnode!.contexts.open(i).whenSettled(90_000), id)).toBe(true);
    const seen = await eventually('C reads what A and B wrote', () => contextView(C, id), both, 60_000);
    expect(seen.peers.filter((p) => p.state === 'verified').map((p) => p.root)).toEqual([relayRoot]);
    expect(seen.members.find((m) => m.root === relayRoot)?.role).toBe('relay');
    // C's join, and the grant to C's device (made by C's node from the key its link opened).
    expect(seen.opCount).toBe(history + 2);
    // C reads: its heap holds the values (this is what the searches below would find on the relay).
    expect(await heapContains(C, [FROM_A, FROM_B])).toEqual([FROM_A, FROM_B]);
    await C.goto(`${app.url}contexts/${id}`);
    await eventually('C’s sync panel shows its one link is the relay', () => C.getByTestId('links').textContent(), (t) => t?.includes('Relay box (relay)') === true);
    await screenshot(C, 'relay-catch-up-alone');
    await eventually('the relay holds C’s join too', async () => relay!.latest(short), (s) => s?.opCount === history + 2, 60_000);

    // The relay stops cleanly and comes back from its data directory with the same context and ops.
    expect(await relay.stop()).toBe(0);
    expect(relay.lines).toContain('stopped');
    // Opened by a person (the profile, while the peer is stopped), the relay's own page says what it is.
    const own = await chromium.launchPersistentContext(join(dataDir, 'profile'), { executablePath: findChromium()!, args: [...CHROMIUM_ARGS], headless: true });
    try {
      const page = await own.newPage();
      await page.goto(`${app.url}contexts/${id}`);
      await eventually('the page says it is a relay', () => page.getByTestId('read-only').textContent(), (t) => t?.startsWith('This node is a relay') === true);
      expect(await page.getByRole('button', { name: 'Set' }).isDisabled()).toBe(true);
      expect(await page.getByTestId('context-name').textContent()).toBe('Relay test');
      await screenshot(page, 'relay-own-view');
      // It holds A's and B's writes sealed, and no plaintext of them in memory or on disk.
      const mine = await eventually('the relay node counts the deltas it cannot read', () => contextView(page, id), (v) => v.opCount === history + 2 && (v.sealed?.waiting ?? 0) >= 2);
      expect(mine.kv).toEqual([]);
      expect(await heapContains(page, [FROM_A, FROM_B, 'Relay test'])).toEqual(['Relay test']);
      expect(await indexedDbContains(page, [FROM_A, FROM_B, 'Relay test'])).toEqual(['Relay test']);
    } finally {
      await own.close();
    }
    relay = startRelay(dataDir, [linkRelay!], 'relay-again');
    await eventually('the restarted relay reopens the context it joined', async () => relay!.latest(short), (s) => s?.role === 'relay' && s.opCount === history + 2, 90_000);
    expect(relay.lines.some((l) => l.includes(`${short} "Relay test": joined on an earlier run, reopened`))).toBe(true);
    await eventually('the restarted relay reopens the second context', async () => relay!.latest(second.slice(0, 8)), (s) => s?.role === 'relay' && s.opCount === 2, 60_000);
    expect(relay.lines.filter((l) => l.startsWith('stderr: error'))).toEqual([]);
    // And it serves members again: C writes, the relay takes it.
    await eventually('C reconnects to the relay', () => contextView(C, id), (v) => v.peers.some((p) => p.state === 'verified' && p.root === relayRoot), 60_000);
    expect(await write(C, id, 'from-c', 'charlie-plain')).toMatchObject({ valid: true });
    await eventually('the relay holds C’s write', async () => relay!.latest(short), (s) => s?.opCount === history + 3, 60_000);

    // The relay link was used: another peer given it (a fresh profile) is told so by the members.
    const another = startRelay(join(dataDir, 'another'), [linkRelay!], 'another-relay');
    try {
      const refused = await eventually('another peer reports the used invite', async () => another.latest(short), (s) => s?.state.startsWith('cannot join') === true, 90_000);
      expect(refused!.state).toMatch(/the invite was used up/);
      expect(refused!.opCount).toBe(0);
    } finally {
      expect(await another.stop()).toBe(0);
    }
    expect(unexpectedErrors(late.peers)).toEqual([]);
  }, 300_000);

  test('a removed member given every later op from the relay reads none of it', async () => {
    const pair = await launchPeers(2, { app, name: 'removal' });
    const [A, B] = pair.peers.map((p) => p.page) as [Page, Page];
    const dir = join(dataDir, 'removal');
    let keeper: RelayProcess | undefined;
    try {
      await Promise.all([signIn(A, 'Alice laptop'), signIn(B, 'Bob laptop')]);
      const id = await A.evaluate(() => window.tabnode!.contexts.create('Removal test'));
      const short = id.slice(0, 8);
      const [linkB, linkRelay] = await A.evaluate((i) => Promise.all((['writer', 'relay'] as const).map((role) => window.tabnode!.contexts.open(i).invite({ role }))), id);
      keeper = startRelay(dir, [linkRelay!], 'removal-relay');
      await B.evaluate((l) => window.tabnode!.contexts.join(l), linkB!);
      expect(await B.evaluate((i) => window.tabnode!.contexts.open(i).whenSettled(60_000), id)).toBe(true);
      await eventually('the relay is in sync', async () => keeper!.latest(short), (s) => s?.role === 'relay' && s.state === 'in sync', 90_000);

      // Before the removal B reads A's writes.
      const BEFORE = 'before-removal-4e8a1b';
      const AFTER = 'after-removal-d93c07';
      expect(await write(A, id, 'before', BEFORE)).toMatchObject({ valid: true });
      await eventually('B reads the write from before its removal', () => contextView(B, id), (v) => valueOf(v.kv, 'before') === BEFORE);

      // A removes B: A's node rotates the epoch key to everyone left (A; the relay gets none).
      const bRoot = (await contextView(B, id)).myRoot;
      expect(await A.evaluate(([i, r]) => window.tabnode!.contexts.open(i!).remove(r as never), [id, bRoot] as const)).toMatchObject({ valid: true });
      await eventually('A rotated the key', () => kinds(A, id), (k) => k.includes('rotate-epoch'));
      expect(await write(A, id, 'after', AFTER)).toMatchObject({ valid: true });
      const history = (await eventually('A has its write after the removal', () => contextView(A, id), (v) => valueOf(v.kv, 'after') === AFTER)).opCount;
      await eventually('the relay holds every op, the rotation and the later write included', async () => keeper!.latest(short), (s) => s?.opCount === history, 60_000);
      expect(await keeper.stop()).toBe(0);
      keeper = undefined;

      // The relay's copy of the history, as its own node exports it (a backup: every op's signed bytes).
      const own = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: findChromium()!, args: [...CHROMIUM_ARGS], headless: true });
      let backup: string;
      try {
        const page = await own.newPage();
        await page.goto(`${app.url}contexts/${id}`);
        await eventually('the relay node opened the context', () => contextView(page, id), (v) => v.opCount === history);
        backup = await page.evaluate(async (i) => (await window.tabnode!.contexts.open(i).backup()).text, id);
      } finally {
        await own.close();
      }

      // B's node takes in every later op: each verifies and is stored; the later write stays sealed.
      const restored = await B.evaluate((text) => window.tabnode!.contexts.restore(text), backup);
      expect(restored.id).toBe(id);
      const b = await eventually('B holds the whole history', () => contextView(B, id), (v) => v.opCount >= history);
      expect(valueOf(b.kv, 'before')).toBe(BEFORE);
      expect(valueOf(b.kv, 'after')).toBeUndefined();
      expect(b.sealed?.waiting).toBeGreaterThanOrEqual(1);
      expect(b.departure).toMatchObject({ how: 'removed' });
      // Not in memory, not on disk: B's node could not decrypt it (it still holds what it read before).
      expect(await heapContains(B, [AFTER, BEFORE])).toEqual([BEFORE]);
      expect(await indexedDbContains(B, [AFTER])).toEqual([]);
      await B.goto(`${app.url}contexts/${id}`);
      await B.getByTestId('read-only').waitFor();
      await screenshot(B, 'removed-member-after-restore');
    } finally {
      await keeper?.stop();
      await pair.close();
    }
  }, 300_000);

  test('bad links stop the peer before a browser starts, each named with what to do', async () => {
    const bad = startRelay(join(dataDir, 'bad'), ['not-a-link', `${app.url}join#AAAA`], 'bad-links');
    expect(await bad.exited).toBe(1);
    const errors = bad.lines.filter((l) => l.startsWith('stderr: '));
    expect(errors.join('\n')).toMatch(/"not-a-link" is not a link: pass the whole invite link/);
    expect(errors.join('\n')).toMatch(/error: "http:.*": this is not an invite link \(payload type 0\)/);
    expect(bad.lines.some((l) => l.includes('signed in as'))).toBe(false);
  });
});

