import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { sha256 } from '../core/crypto/sha256.ts';
import { readKv } from '../core/state/kvWriter.ts';
import { stateMap } from '../core/state/layout.ts';
import { publishedEvents } from './events.ts';
import { ensureAppsBuilt, harness, parseOutput, readApp } from './testkit.ts';

beforeAll(ensureAppsBuilt, 120_000);

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('kv-store', () => {
  test('declares get, set, remove, entries', async () => {
    const { manifest } = await harness(readApp('kv-store'));
    expect(manifest.methods).toEqual([
      { name: 'get', kind: 'view', args: { key: 'string' } },
      { name: 'set', kind: 'mutation', args: { key: 'string', value: 'json' } },
      { name: 'remove', kind: 'mutation', args: { key: 'string' } },
      { name: 'entries', kind: 'view', args: { prefix: 'string?' } },
    ]);
  });

  test('set, get, entries, remove: the same layout as the built-in kv writer', async () => {
    const h = await harness(readApp('kv-store'));
    const set = await h.call('set', { key: 'color', value: { name: 'teal', rgb: [0, 128, 128] } });
    expect(parseOutput(set.output)).toBe(false);
    expect(set.events).toEqual([{ name: 'set', payload: utf8('{"key":"color"}'), hashOnly: false }]);
    expect(parseOutput((await h.call('set', { key: 'color', value: 'blue' })).output)).toBe(true);
    await h.call('set', { key: 'size', value: 3 });
    await h.call('set', { key: 'shape', value: null });
    expect(readKv(h.doc)).toEqual([
      ['color', 'blue'],
      ['shape', null],
      ['size', 3],
    ]);
    expect(parseOutput((await h.call('get', { key: 'color' })).output)).toBe('blue');
    expect(parseOutput((await h.call('get', { key: 'nope' })).output)).toBe(null);
    expect(parseOutput((await h.call('entries')).output)).toEqual([
      { key: 'color', value: 'blue' },
      { key: 'shape', value: null },
      { key: 'size', value: 3 },
    ]);
    expect(parseOutput((await h.call('entries', { prefix: 's' })).output)).toEqual([
      { key: 'shape', value: null },
      { key: 'size', value: 3 },
    ]);
    const removed = await h.call('remove', { key: 'size' });
    expect(parseOutput(removed.output)).toBe(true);
    expect(removed.events.map((e) => e.name)).toEqual(['removed']);
    const absent = await h.call('remove', { key: 'size' });
    expect([parseOutput(absent.output), absent.update, absent.events]).toEqual([false, null, []]);
    expect(h.state()).toEqual({ color: 'blue', shape: null });
  });

  test('values round-trip exactly through the SDK: unicode, escapes, numbers', async () => {
    const h = await harness(readApp('kv-store'));
    const value = { s: 'qu"ote\\ back\nline\ttab \u0001 é 😀 \u2028', n: [0, -1, 1.5, 1e21, 2 ** 53, -(2 ** 60), 1e-7, 0.1 + 0.2], nested: { a: { b: [[]] } }, t: true, f: false };
    await h.call('set', { key: 'v', value });
    expect(parseOutput((await h.call('get', { key: 'v' })).output)).toEqual(value);
    expect(parseOutput((await h.call('entries')).output)).toEqual([{ key: 'v', value }]);
  });

  test('entries pages through more keys than one storage_keys page', async () => {
    const h = await harness(readApp('kv-store'));
    for (let i = 0; i < 1100; i += 100) {
      // 100 writes per call through the probe would be faster; the app writes one per call.
      for (let j = i; j < i + 100; j++) await h.call('set', { key: `k${String(j).padStart(4, '0')}`, value: j });
    }
    const result = await h.call('entries');
    const entries = parseOutput(result.output) as { key: string }[];
    expect(entries).toHaveLength(1100);
    // Linear memory use (the SDK builds strings in one allocation; see apps/sdk/json.ts concat).
    expect(result.usage.memoryBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(entries[1099]).toEqual({ key: 'k1099', value: 1099 });
  });
});

describe('team-board', () => {
  const board = (executor = 'alice-root-id-0123456789') => harness(readApp('team-board'), { executor });

  const idOf = (result: { output: Parameters<typeof parseOutput>[0] }) => (parseOutput(result.output) as { id: string }).id;

  test('create_task records the executor as creator; the title travels in events only as a hash', async () => {
    const h = await board();
    const created = await h.call('create_task', { title: '  Write the report ', assignee: 'bob' });
    const task = parseOutput(created.output);
    const id = idOf(created);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(task).toEqual({ id, title: 'Write the report', status: 'todo', creator: 'alice-root-id-0123456789', assignee: 'bob' });
    expect(h.state()[`task/${id}`]).toEqual(task);
    expect(created.events.map((e) => [e.name, e.hashOnly])).toEqual([
      ['task_created', false],
      ['task_title', true],
    ]);
    const [createdEvent, titleEvent] = publishedEvents(created.events);
    expect(JSON.parse(new TextDecoder().decode(createdEvent!.payload))).toEqual({ id, creator: 'alice-root-id-0123456789', assignee: 'bob' });
    const titlePayload = utf8(`{"id":"${id}","title":"Write the report"}`);
    expect(created.events[1]!.payload).toEqual(titlePayload);
    expect(titleEvent).toEqual({ name: 'task_title', hashed: true, payload: sha256(titlePayload) });
    expect(new TextDecoder().decode(titleEvent!.payload)).not.toContain('report');
  });

  test('a task id is the first 128 bits of SHA-256 over creator, counter and title: titles a member picks cannot hit another id', async () => {
    /** What the id must be: Node's SHA-256 of the same input. */
    const expected = (creator: string, n: number, title: string) => createHash('sha256').update(`${creator}\n${n}\n${title}`, 'utf8').digest('hex').slice(0, 32);
    const creator = 'tabnode:local:alice-0123456789';
    // Inputs around SHA-256's block edges (55, 56, 63, 64, 119, 120 bytes and more, with the
    // 33-byte prefix), non-Latin text, and titles one character apart anywhere.
    const titles = [
      ...[22, 23, 30, 31, 86, 87, 150, 200].map((n) => 'x'.repeat(n)),
      'é',
      'Réunion 😀 会议 \u2028',
      'Fix the login page',
      'Gix the login page',
      'Fix the lOgin page',
      'Fix the login pagf',
      'Fix the login page ',
    ];
    const h = await board(creator);
    const ids: string[] = [];
    for (const [i, title] of titles.entries()) {
      const id = idOf(await h.call('create_task', { title }));
      // Trailing spaces are trimmed before hashing, as the stored title is.
      expect(id, title).toBe(expected(creator, i + 1, title.trim()));
      ids.push(id);
    }
    expect(new Set(ids).size).toBe(titles.length);
    // The same title at the same counter by another member: another id.
    const bob = await board('tabnode:local:bob-0123456789');
    expect(idOf(await bob.call('create_task', { title: titles[0]! }))).toBe(expected('tabnode:local:bob-0123456789', 1, titles[0]!));
    expect(expected('tabnode:local:bob-0123456789', 1, titles[0]!)).not.toBe(ids[0]);
  });

  test('members whose ids share a long prefix create first tasks concurrently: both survive the merge', async () => {
    // Every local identity starts with "tabnode:local:", so a prefix of the id never told them apart.
    const alice = await board('tabnode:local:alice-0123456789');
    const bob = await board('tabnode:local:bob-0123456789');
    const a1 = idOf(await alice.call('create_task', { title: 'Same title' }));
    const a2 = idOf(await alice.call('create_task', { title: 'Same title' }));
    const b1 = idOf(await bob.call('create_task', { title: 'Same title' }));
    expect(new Set([a1, a2, b1]).size).toBe(3);
    const doc = new Y.Doc();
    for (const d of [alice.doc, bob.doc]) Y.applyUpdate(doc, Y.encodeStateAsUpdate(d));
    const merged = await board('carol');
    await merged.runtime.setState(Y.encodeStateAsUpdate(doc));
    const tasks = parseOutput((await merged.call('list_tasks', {})).output) as { id: string; creator: string }[];
    expect(tasks.map((t) => [t.id, t.creator]).sort()).toEqual(
      [
        [a1, 'tabnode:local:alice-0123456789'],
        [a2, 'tabnode:local:alice-0123456789'],
        [b1, 'tabnode:local:bob-0123456789'],
      ].sort(),
    );
  });

  test('two devices of one member, same counter, different titles: different ids; a taken id is skipped', async () => {
    const laptop = await board('alice');
    const phone = await board('alice');
    const fromLaptop = idOf(await laptop.call('create_task', { title: 'from the laptop' }));
    const fromPhone = idOf(await phone.call('create_task', { title: 'from the phone' }));
    expect(fromPhone).not.toBe(fromLaptop);
    // A board whose counter was lost (say, overwritten) still holds the laptop's task: a new
    // task that would hash to its id takes the next one instead of replacing it.
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(laptop.doc));
    stateMap(doc).delete('seq/alice');
    const again = await board('alice');
    await again.runtime.setState(Y.encodeStateAsUpdate(doc));
    const next = idOf(await again.call('create_task', { title: 'from the laptop' }));
    expect(next).not.toBe(fromLaptop);
    expect(parseOutput((await again.call('get_task', { id: fromLaptop })).output)).toMatchObject({ title: 'from the laptop' });
  });

  test('assign, set_status, list_tasks with filters, get_task', async () => {
    const h = await board('alice');
    const one = idOf(await h.call('create_task', { title: 'one' }));
    const two = idOf(await h.call('create_task', { title: 'two', assignee: 'bob' }));
    const three = idOf(await h.call('create_task', { title: 'three' }));
    const assigned = await h.call('assign', { id: one, assignee: 'carol' });
    expect(parseOutput(assigned.output)).toMatchObject({ id: one, assignee: 'carol' });
    expect(JSON.parse(new TextDecoder().decode(assigned.events[0]!.payload))).toEqual({ id: one, assignee: 'carol', by: 'alice' });
    await h.call('assign', { id: two }); // unassign
    await h.call('set_status', { id: three, status: 'doing' });
    const list = async (input: object) => (parseOutput((await h.call('list_tasks', input)).output) as { id: string }[]).map((t) => t.id);
    expect(await list({})).toEqual([one, two, three].sort());
    expect(await list({ status: 'doing' })).toEqual([three]);
    expect(await list({ status: 'todo', assignee: 'carol' })).toEqual([one]);
    expect(parseOutput((await h.call('get_task', { id: two })).output)).toMatchObject({ title: 'two', assignee: null });
    expect(parseOutput((await h.call('get_task', { id: 'nope' })).output)).toBe(null);
  });

  test('a board made before hashed ids keeps its tasks readable and editable', async () => {
    const h = await board('alice');
    const legacy = { id: 'tabnode:loca-1', title: 'old task', status: 'todo', creator: 'tabnode:local:x', assignee: null };
    const doc = new Y.Doc();
    stateMap(doc).set('task/tabnode:loca-1', legacy);
    await h.runtime.setState(Y.encodeStateAsUpdate(doc));
    expect(parseOutput((await h.call('get_task', { id: 'tabnode:loca-1' })).output)).toEqual(legacy);
    expect(parseOutput((await h.call('set_status', { id: 'tabnode:loca-1', status: 'done' })).output)).toMatchObject({ status: 'done' });
  });

  test('bad calls panic and write nothing', async () => {
    const h = await board('alice');
    const one = idOf(await h.call('create_task', { title: 'one' }));
    const before = h.state();
    expect((await h.failure('set_status', { id: one, status: 'lost' })).message).toMatch(/status must be todo, doing or done/);
    expect((await h.failure('assign', { id: 'nope', assignee: 'x' })).message).toMatch(/there is no task "nope"/);
    expect((await h.failure('create_task', { title: '   ' })).message).toMatch(/needs a title/);
    expect((await h.failure('create_task', { title: 'x'.repeat(201) })).message).toMatch(/at most 200/);
    expect(h.state()).toEqual(before);
  });

  test('private notes stay in private storage: never in the update, not seen by other members', async () => {
    const alice = await board('alice');
    const created = await alice.call('create_task', { title: 'shared task' });
    const id = idOf(created);
    const noted = await alice.call('set_note', { id, text: 'my secret plan' });
    expect(noted.update).toBeNull();
    expect(noted.privateWrites).toEqual([[`note/${id}`, utf8('my secret plan')]]);
    expect(parseOutput((await alice.call('get_note', { id })).output)).toBe('my secret plan');

    // Bob has the same shared state (every update alice produced) but his own private storage.
    const bob = await board('bob');
    await bob.runtime.setState(Y.encodeStateAsUpdate(alice.doc));
    expect(parseOutput((await bob.call('get_note', { id })).output)).toBe(null);
    const everything = Y.encodeStateAsUpdate(alice.doc);
    expect(new TextDecoder().decode(everything)).not.toContain('secret');
    expect(new TextDecoder().decode(created.update!)).not.toContain('secret');

    const cleared = await alice.call('set_note', { id, text: '' });
    expect(cleared.privateWrites).toEqual([[`note/${id}`, null]]);
    expect(parseOutput((await alice.call('get_note', { id })).output)).toBe(null);
    expect((await alice.failure('set_note', { id: 'nope', text: 'x' })).code).toBe('panic');
  });
});
