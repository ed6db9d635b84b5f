import { beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { sha256 } from '../core/crypto/sha256.ts';
import { readKv } from '../core/state/kvWriter.ts';
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

  test('create_task records the executor as creator; the title travels in events only as a hash', async () => {
    const h = await board();
    const created = await h.call('create_task', { title: '  Write the report ', assignee: 'bob' });
    const task = parseOutput(created.output);
    expect(task).toEqual({ id: 'alice-root-i-1', title: 'Write the report', status: 'todo', creator: 'alice-root-id-0123456789', assignee: 'bob' });
    expect(h.state()['task/alice-root-i-1']).toEqual(task);
    expect(created.events.map((e) => [e.name, e.hashOnly])).toEqual([
      ['task_created', false],
      ['task_title', true],
    ]);
    const [createdEvent, titleEvent] = publishedEvents(created.events);
    expect(JSON.parse(new TextDecoder().decode(createdEvent!.payload))).toEqual({ id: 'alice-root-i-1', creator: 'alice-root-id-0123456789', assignee: 'bob' });
    const titlePayload = utf8('{"id":"alice-root-i-1","title":"Write the report"}');
    expect(created.events[1]!.payload).toEqual(titlePayload);
    expect(titleEvent).toEqual({ name: 'task_title', hashed: true, payload: sha256(titlePayload) });
    expect(new TextDecoder().decode(titleEvent!.payload)).not.toContain('report');
  });

  test('ids count per member, so concurrent creators never collide', async () => {
    const alice = await board('alice');
    const bob = await board('bob');
    await alice.call('create_task', { title: 'a1' });
    await alice.call('create_task', { title: 'a2' });
    const b = await bob.call('create_task', { title: 'b1' });
    const doc = new Y.Doc();
    for (const d of [alice.doc, bob.doc]) Y.applyUpdate(doc, Y.encodeStateAsUpdate(d));
    expect(readKv(doc).map(([k]) => k)).toEqual(['seq/alice', 'seq/bob', 'task/alice-1', 'task/alice-2', 'task/bob-1']);
    expect(parseOutput(b.output)).toMatchObject({ id: 'bob-1', creator: 'bob', assignee: null });
  });

  test('assign, set_status, list_tasks with filters, get_task', async () => {
    const h = await board('alice');
    await h.call('create_task', { title: 'one' });
    await h.call('create_task', { title: 'two', assignee: 'bob' });
    await h.call('create_task', { title: 'three' });
    const assigned = await h.call('assign', { id: 'alice-1', assignee: 'carol' });
    expect(parseOutput(assigned.output)).toMatchObject({ id: 'alice-1', assignee: 'carol' });
    expect(JSON.parse(new TextDecoder().decode(assigned.events[0]!.payload))).toEqual({ id: 'alice-1', assignee: 'carol', by: 'alice' });
    await h.call('assign', { id: 'alice-2' }); // unassign
    await h.call('set_status', { id: 'alice-3', status: 'doing' });
    const list = async (input: object) => (parseOutput((await h.call('list_tasks', input)).output) as { id: string }[]).map((t) => t.id);
    expect(await list({})).toEqual(['alice-1', 'alice-2', 'alice-3']);
    expect(await list({ status: 'doing' })).toEqual(['alice-3']);
    expect(await list({ status: 'todo', assignee: 'carol' })).toEqual(['alice-1']);
    expect(parseOutput((await h.call('get_task', { id: 'alice-2' })).output)).toMatchObject({ title: 'two', assignee: null });
    expect(parseOutput((await h.call('get_task', { id: 'nope' })).output)).toBe(null);
  });

  test('bad calls panic and write nothing', async () => {
    const h = await board('alice');
    await h.call('create_task', { title: 'one' });
    const before = h.state();
    expect((await h.failure('set_status', { id: 'alice-1', status: 'lost' })).message).toMatch(/status must be todo, doing or done/);
    expect((await h.failure('assign', { id: 'nope', assignee: 'x' })).message).toMatch(/there is no task "nope"/);
    expect((await h.failure('create_task', { title: '   ' })).message).toMatch(/needs a title/);
    expect((await h.failure('create_task', { title: 'x'.repeat(201) })).message).toMatch(/at most 200/);
    expect(h.state()).toEqual(before);
  });

  test('private notes stay in private storage: never in the update, not seen by other members', async () => {
    const alice = await board('alice');
    const created = await alice.call('create_task', { title: 'shared task' });
    const noted = await alice.call('set_note', { id: 'alice-1', text: 'my secret plan' });
    expect(noted.update).toBeNull();
    expect(noted.privateWrites).toEqual([['note/alice-1', utf8('my secret plan')]]);
    expect(parseOutput((await alice.call('get_note', { id: 'alice-1' })).output)).toBe('my secret plan');

    // Bob has the same shared state (every update alice produced) but his own private storage.
    const bob = await board('bob');
    await bob.runtime.setState(Y.encodeStateAsUpdate(alice.doc));
    expect(parseOutput((await bob.call('get_note', { id: 'alice-1' })).output)).toBe(null);
    const everything = Y.encodeStateAsUpdate(alice.doc);
    expect(new TextDecoder().decode(everything)).not.toContain('secret');
    expect(new TextDecoder().decode(created.update!)).not.toContain('secret');

    const cleared = await alice.call('set_note', { id: 'alice-1', text: '' });
    expect(cleared.privateWrites).toEqual([['note/alice-1', null]]);
    expect(parseOutput((await alice.call('get_note', { id: 'alice-1' })).output)).toBe(null);
    expect((await alice.failure('set_note', { id: 'nope', text: 'x' })).code).toBe('panic');
  });
});
