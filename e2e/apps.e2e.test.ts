import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ContextView } from '../src/node/index.ts';
import { eventually } from './eventually.ts';
import { launchPeers, screenshot, startApp, type App, type Peers } from './harness.ts';
import { contextView, signIn } from './tabnode.ts';

/**
 * WASM apps between two real Chromium peers: team-board in a Web Worker, private notes that
 * never leave the device (checked in IndexedDB and on the wire), hashed events, an uploaded
 * module fetched by the other peer, and verifiable execution.
 */

const NOTE = 'private-note-7f3a: ask Carol about the budget';
let app: App;
let peers: Peers;
let A: Page, B: Page;
let contextId: string;
const view = (page: Page): Promise<ContextView> => contextView(page, contextId);

/** Record every data-channel message this page receives, as bytes (the wire check). */
const WIRE_TAP = () => {
  const received: Uint8Array[] = [];
  (window as unknown as { __wire: Uint8Array[] }).__wire = received;
  const original = RTCPeerConnection.prototype.createDataChannel;
  const tap = (channel: RTCDataChannel) => {
    channel.addEventListener('message', (e: MessageEvent) => {
      if (e.data instanceof ArrayBuffer) received.push(new Uint8Array(e.data.slice(0)));
      else if (typeof e.data === 'string') received.push(new TextEncoder().encode(e.data));
    });
    return channel;
  };
  RTCPeerConnection.prototype.createDataChannel = function (this: RTCPeerConnection, ...args: Parameters<typeof original>) {
    return tap(original.apply(this, args));
  };
  const OriginalPC = RTCPeerConnection;
  window.RTCPeerConnection = class extends OriginalPC {
    constructor(...args: ConstructorParameters<typeof OriginalPC>) {
      super(...args);
      this.addEventListener('datachannel', (e) => tap((e as RTCDataChannelEvent).channel));
    }
  } as typeof RTCPeerConnection;
};

/** Every value in every IndexedDB database of this page's profile, as text (the storage check). */
async function dumpIndexedDb(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const dump: string[] = [];
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name!);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const rows = await new Promise<unknown[]>((resolve) => {
          const req = db.transaction(store).objectStore(store).getAll();
          req.onsuccess = () => resolve(req.result);
        });
        const bytesToText = (v: unknown): unknown =>
          v instanceof Uint8Array ? new TextDecoder('latin1').decode(v) : v instanceof ArrayBuffer ? new TextDecoder('latin1').decode(new Uint8Array(v)) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, bytesToText(x)])) : v;
        dump.push(JSON.stringify(rows.map(bytesToText)));
      }
      db.close();
    }
    return dump.join('\n');
  });
}

beforeAll(async () => {
  app = await startApp();
  peers = await launchPeers(2, { app, path: null });
  [A, B] = peers.peers.map((p) => p.page) as [Page, Page];
  await B.addInitScript(WIRE_TAP);
  await Promise.all([A.goto(app.url), B.goto(app.url)]);
  await Promise.all([signIn(A, 'Alice laptop'), signIn(B, 'Bob laptop')]);
});

afterAll(async () => {
  await peers?.close();
  await app?.close();
});

describe('WASM apps across real browsers', () => {
  test('a task created on A appears on B with A as its creator', async () => {
    await A.reload();
    await A.getByLabel('Name').fill('Sprint board');
    await A.getByLabel('App').selectOption('team-board');
    await A.getByLabel(/Verifiable execution/).check();
    await A.getByRole('button', { name: 'Create context' }).click();
    await A.getByRole('heading', { name: 'Board', exact: true }).waitFor();
    contextId = new URL(A.url()).pathname.split('/').at(-1)!;
    const link = await A.evaluate((id) => window.tabnode!.contexts.open(id).invite({ role: 'writer' }), contextId);
    await B.goto(link);
    await B.getByRole('button', { name: 'Join' }).click();
    await B.getByTestId('context-name').waitFor();
    await eventually('B joined', () => view(B), (v) => !v.joining && v.members.length === 2);

    await A.getByLabel('New task').fill('Ship the launch page');
    await A.getByRole('button', { name: 'Add' }).click();
    await eventually('A says the task was added', () => A.getByTestId('outcome').textContent(), (t) => t === 'Task added.');
    await B.getByRole('heading', { name: 'Board', exact: true }).waitFor();
    const card = B.locator('.task', { hasText: 'Ship the launch page' });
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getByTestId('task-creator').textContent()).toBe('Alice laptop');

    await card.getByLabel('Status of Ship the launch page').selectOption('doing');
    await eventually('B says where the task went', () => B.getByTestId('outcome').textContent(), (t) => t === 'Task moved to Doing.');
    await A.locator('[data-status=doing] .task', { hasText: 'Ship the launch page' }).waitFor();
    await screenshot(B, 'team-board');
  });

  test('a private note on A is never in B’s IndexedDB nor in any frame B receives', async () => {
    const card = A.locator('.task', { hasText: 'Ship the launch page' });
    await card.getByRole('button', { name: 'My note' }).click();
    await card.getByLabel('Private note (only on this device)').fill(NOTE);
    await card.getByRole('button', { name: 'Save note' }).click();
    await eventually('A keeps the note', async () => (await A.evaluate(async ([id]) => {
      const tasks = (await window.tabnode!.contexts.open(id!).call('list_tasks', {})).output as { id: string }[];
      return (await window.tabnode!.contexts.open(id!).call('get_note', { id: tasks[0]!.id })).output;
    }, [contextId])) as string, (n) => n === NOTE);
    // More traffic after the note, so anything that would carry it has had its chance.
    await A.evaluate((id) => window.tabnode!.contexts.open(id).call('create_task', { title: 'After the note' }), contextId);
    await eventually('B sees the later task', () => B.locator('.task', { hasText: 'After the note' }).count(), (n) => n === 1);

    const wire = await B.evaluate(() => (window as unknown as { __wire: Uint8Array[] }).__wire.map((b) => Array.from(b)));
    expect(wire.length).toBeGreaterThan(10);
    const wireText = wire.map((b) => new TextDecoder('latin1').decode(new Uint8Array(b))).join('');
    expect(wireText).toContain('Sprint board'); // the tap sees ops (the genesis names the context in clear)…
    expect(wireText).not.toContain('After the note'); // …shared state only sealed under the epoch key…
    expect(wireText).not.toContain('private-note-7f3a'); // …and never the note
    expect(await dumpIndexedDb(B)).not.toContain('private-note-7f3a');
    expect(await dumpIndexedDb(A)).not.toContain('private-note-7f3a'); // encrypted at rest on A too
  });

  test('an event with a hashed payload shows only the hash on B', async () => {
    await B.goto(`${app.url}console`);
    await B.getByTestId('events').waitFor();
    const hashed = B.locator('[data-testid=events] li[data-event=task_title]').first();
    await hashed.waitFor();
    expect(await hashed.getAttribute('data-hashed')).toBe('true');
    expect(await hashed.textContent()).toMatch(/sha256:[0-9a-f]{64}/);
    expect(await B.getByTestId('events').textContent()).not.toContain('Ship the launch page');
    await screenshot(B, 'console-events');
  });

  test('verifiable execution: B re-runs A’s calls and confirms them; a hand-crafted delta is flagged', async () => {
    const confirmed = await eventually('B confirms A’s calls', () => B.evaluate((id) => window.tabnode!.contexts.open(id).verifications(), contextId), (v) => v.filter((x) => x.result === 'confirmed').length >= 2);
    expect(confirmed.every((v) => v.result === 'confirmed')).toBe(true);

    // A signs the writes of set_status "done" but records the call as set_status "todo".
    const lieKey = await A.evaluate(async (id) => {
      const n = window.tabnode!;
      const tasks = (await n.contexts.open(id).call('list_tasks', {})).output as { id: string }[];
      const { update } = await n.contexts.open(id).dryRun('set_status', { id: tasks[0]!.id, status: 'done' });
      const input = new TextEncoder().encode(JSON.stringify({ id: tasks[0]!.id, status: 'todo' }));
      return (await n.contexts.open(id).publishRawDelta({ update: update!, call: { method: 'set_status', input } })).key;
    }, contextId);
    const flagged = await eventually('B flags the hand-crafted delta', () => B.evaluate((id) => window.tabnode!.contexts.open(id).verifications(), contextId), (v) => v.some((x) => x.opKey === lieKey));
    expect(flagged.find((x) => x.opKey === lieKey)?.result).toBe('mismatch');
    expect((await view(B)).alerts.some((a) => a.kind === 'verification')).toBe(true);
  });

  test('on the board, a reader is refused in plain words, and a removed member’s board is read-only', async () => {
    const bRoot = (await view(B)).myRoot;
    expect(await A.evaluate(([id, r]) => window.tabnode!.contexts.open(id!).setRole(r as never, 'reader'), [contextId, bRoot] as const)).toMatchObject({ valid: true });
    await eventually('B is a reader', () => view(B), (v) => v.myRole === 'reader');
    await B.goto(new URL(`/contexts/${contextId}`, app.url).href);
    const card = B.locator('.task', { hasText: 'After the note' });
    await card.waitFor();
    await card.getByLabel('Status of After the note').selectOption('done');
    const outcome = B.getByTestId('outcome');
    await eventually('B told why', () => outcome.textContent(), (t) => Boolean(t?.startsWith('Moving the task:')));
    expect(await outcome.evaluate((o) => o.firstChild?.textContent)).toBe('Moving the task: Your role in this context does not allow this.');
    expect(await outcome.locator('details code').textContent()).toMatch(/^insufficient-role/);

    expect(await A.evaluate(([id, r]) => window.tabnode!.contexts.open(id!).remove(r as never), [contextId, bRoot] as const)).toMatchObject({ valid: true });
    await eventually('B told who removed it', () => B.getByTestId('read-only').textContent().catch(() => null), (t) => t === 'You were removed from this context by Alice laptop. You can still read what it held here, but you can no longer change it.', 30_000);
    expect(await B.getByLabel('New task').isDisabled()).toBe(true);
    expect(await B.getByRole('button', { name: 'Add' }).isDisabled()).toBe(true);
    expect(await card.getByLabel('Status of After the note').isDisabled()).toBe(true);
    await screenshot(B, 'team-board-removed-member');
  });
});

describe('an uploaded module', () => {
  test('is fetched by the other peer, checked against the app id, and runs there', async () => {
    const wasm = readFileSync(fileURLToPath(new URL('../public/apps/kv-store.wasm', import.meta.url)));
    await A.goto(app.url);
    await A.getByLabel('Name').fill('Uploaded app');
    await A.getByLabel('App').selectOption('upload');
    await A.getByTestId('wasm-upload').setInputFiles({ name: 'my-app.wasm', mimeType: 'application/wasm', buffer: wasm });
    await A.getByRole('button', { name: 'Create context' }).click();
    await A.getByTestId('context-name').waitFor();
    const id = new URL(A.url()).pathname.split('/').at(-1)!;
    await A.evaluate((i) => window.tabnode!.contexts.open(i).call('set', { key: 'from-a', value: 'hello' }), id);
    const link = await A.evaluate((i) => window.tabnode!.contexts.open(i).invite({ role: 'writer' }), id);
    await B.evaluate((l) => window.tabnode!.contexts.join(l), link);
    await eventually('B joined', () => contextView(B, id), (v) => !v.joining);
    const got = await eventually('B runs the fetched module', () => B.evaluate((i) => window.tabnode!.contexts.open(i).call('get', { key: 'from-a' }).then((r) => r.output).catch((e: Error) => e.message), id), (v) => v === 'hello', 30_000);
    expect(got).toBe('hello');
    expect(await B.evaluate((i) => window.tabnode!.contexts.open(i).call('set', { key: 'from-b', value: 1 }).then((r) => r.op?.valid), id)).toBe(true);
  });
});
