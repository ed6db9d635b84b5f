import { beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { CONTEXT_ID, ensureAppsBuilt, harness, json, parseOutput, readTestModule } from './testkit.ts';

beforeAll(ensureAppsBuilt, 120_000);

const text = (bytes: Uint8Array | null) => (bytes === null ? null : new TextDecoder().decode(bytes));

describe('ABI v1, function by function (apps/test/probe.ts)', () => {
  test('the method list is read from __tabnode_methods', async () => {
    const { manifest } = await harness(readTestModule('probe'));
    expect(manifest.abi).toBe(1);
    expect(manifest.methods).toContainEqual({ name: 'keys', kind: 'view', args: { prefix: 'string', after: 'string?', limit: 'integer' } });
    expect(manifest.methods).toContainEqual({ name: 'write', kind: 'mutation', args: { key: 'string', text: 'string' } });
  });

  test('input gives the input bytes as sent (empty input reads as {}); value_return sets the output', async () => {
    const h = await harness(readTestModule('probe'));
    expect(text((await h.call('echo', { any: [1, 'two', { three: null }] })).output)).toBe('{"any":[1,"two",{"three":null}]}');
    expect(text((await h.call('echo', undefined, { input: new Uint8Array() })).output)).toBe('{}');
    const spaced = new TextEncoder().encode(' { "any" : 1 } ');
    expect(text((await h.call('echo', undefined, { input: spaced })).output)).toBe(' { "any" : 1 } ');
  });

  test('executor_id and context_id give the caller and the context', async () => {
    const h = await harness(readTestModule('probe'), { executor: 'root-ünïcode' });
    expect(parseOutput((await h.call('ids')).output)).toEqual({ executor: 'root-ünïcode', context: [...CONTEXT_ID] });
  });

  test('storage_write stores JSON text as a JSON value; storage_read gives it back compact with sorted keys', async () => {
    const h = await harness(readTestModule('probe'));
    const first = await h.call('write', { key: 'k', text: '{ "z": 1, "a": [true, null, "s"] }' });
    expect(parseOutput(first.output)).toBe(false); // did not exist
    expect(first.update).not.toBeNull();
    expect(h.state()).toEqual({ k: { a: [true, null, 's'], z: 1 } });
    expect(parseOutput((await h.call('write', { key: 'k', text: '2' })).output)).toBe(true); // existed
    expect(parseOutput((await h.call('read', { key: 'k' })).output)).toEqual({ found: true, len: 1, text: '2' });
    expect(parseOutput((await h.call('read', { key: 'nope' })).output)).toEqual({ found: false, len: -1, text: null });
  });

  test('storage_read of an absent key clears the register', async () => {
    const h = await harness(readTestModule('probe'));
    // read() checks register 3 after the read: empty (-1) even though nothing was there before either.
    expect(parseOutput((await h.call('read', { key: 'absent' })).output)).toMatchObject({ len: -1 });
  });

  test('storage_has and storage_remove report presence; removing an absent key writes nothing', async () => {
    const h = await harness(readTestModule('probe'));
    await h.call('write', { key: 'k', text: '1' });
    expect(parseOutput((await h.call('has', { key: 'k' })).output)).toBe(true);
    const removed = await h.call('remove', { key: 'k' });
    expect(parseOutput(removed.output)).toBe(true);
    expect(removed.update).not.toBeNull();
    expect(h.state()).toEqual({});
    expect(parseOutput((await h.call('has', { key: 'k' })).output)).toBe(false);
    const again = await h.call('remove', { key: 'k' });
    expect(parseOutput(again.output)).toBe(false);
    expect(again.update).toBeNull();
  });

  test('a call reads its own writes, and values are normalized (-0 as 0, keys sorted)', async () => {
    const h = await harness(readTestModule('probe'));
    const result = await h.call('write_then_read');
    expect(parseOutput(result.output)).toEqual({ text: '{"a":[true,null,0,1.5],"b":1}', has_after_remove: 0 });
    expect(h.state()).toEqual({});
  });

  test('storage_keys pages through keys by prefix in UTF-8 byte order, after a cursor', async () => {
    const h = await harness(readTestModule('probe'));
    // UTF-16 order would put U+FFFD before the astral 😀; UTF-8 order puts it after.
    for (const key of ['p/b', 'p/a', 'q/x', 'p/😀', 'p/\uFFFD', 'p', 'p/a/deep']) await h.call('write', { key, text: '1' });
    const keys = async (input: object) => parseOutput((await h.call('keys', input)).output);
    expect(await keys({ prefix: 'p/', limit: 100 })).toEqual(['p/a', 'p/a/deep', 'p/b', 'p/\uFFFD', 'p/😀']);
    expect(await keys({ prefix: 'p/', limit: 2 })).toEqual(['p/a', 'p/a/deep']);
    expect(await keys({ prefix: 'p/', after: 'p/a/deep', limit: 2 })).toEqual(['p/b', 'p/\uFFFD']);
    expect(await keys({ prefix: 'p/', after: 'p/\uFFFD', limit: 2 })).toEqual(['p/😀']);
    expect(await keys({ prefix: '', limit: 100 })).toHaveLength(7);
    expect(await keys({ prefix: 'zzz', limit: 100 })).toEqual([]);
  });

  test('storage_keys sees the call’s own writes and removals', async () => {
    const h = await harness(readTestModule('probe'));
    await h.call('write', { key: 'p/a', text: '1' });
    await h.call('write', { key: 'p/c', text: '1' });
    expect(parseOutput((await h.call('write_then_keys')).output)).toEqual(['p/b', 'p/c']);
  });

  test('storage_keys with a limit outside 1..keysPerPage is an ABI error', async () => {
    const h = await harness(readTestModule('probe'));
    expect((await h.failure('keys', { prefix: '', limit: 0 })).code).toBe('abi');
    expect((await h.failure('keys', { prefix: '', limit: 1001 })).code).toBe('abi');
  });

  test('private_read / private_write / private_remove: kept by the runtime, never in the update', async () => {
    const h = await harness(readTestModule('probe'));
    const write = await h.call('private_write', { key: 'secret', text: 'hunter2' });
    expect(parseOutput(write.output)).toBe(false);
    expect(write.update).toBeNull();
    expect(write.privateWrites).toEqual([['secret', new TextEncoder().encode('hunter2')]]);
    expect(parseOutput((await h.call('private_read', { key: 'secret' })).output)).toEqual({ found: true, len: 7, text: 'hunter2' });
    await h.runtime.setPrivate([['other', new TextEncoder().encode('x')]]);
    expect(parseOutput((await h.call('private_read', { key: 'secret' })).output)).toMatchObject({ found: false });
    expect(parseOutput((await h.call('private_read', { key: 'other' })).output)).toMatchObject({ found: true, text: 'x' });
    const removed = await h.call('private_remove', { key: 'other' });
    expect(parseOutput(removed.output)).toBe(true);
    expect(removed.privateWrites).toEqual([['other', null]]);
    expect(parseOutput((await h.call('private_remove', { key: 'other' })).output)).toBe(false);
  });

  test('emit collects events, whole or hash-only', async () => {
    const h = await harness(readTestModule('probe'));
    const result = await h.call('emit', { name: 'changed', payload: '{"k":1}', hash_only: true });
    expect(result.events).toEqual([{ name: 'changed', payload: new TextEncoder().encode('{"k":1}'), hashOnly: true }]);
    expect(result.update).toBeNull();
    const plain = await h.call('emit', { name: 'x', payload: '', hash_only: false });
    expect(plain.events).toEqual([{ name: 'x', payload: new Uint8Array(), hashOnly: false }]);
  });

  test('log_utf8 collects lines (bad UTF-8 shown as U+FFFD)', async () => {
    const h = await harness(readTestModule('probe'));
    expect((await h.call('log', { lines: ['one', 'twö', ''] })).logs).toEqual(['one', 'twö', '']);
  });

  test('panic_utf8 ends the call with the message', async () => {
    const h = await harness(readTestModule('probe'));
    const error = await h.failure('panic', { text: 'the reason' });
    expect(error.code).toBe('panic');
    expect(error.message).toContain('the reason');
  });

  test('register_len is -1 for an empty register; registers are 0..63', async () => {
    const h = await harness(readTestModule('probe'));
    expect(parseOutput((await h.call('registers')).output)).toEqual({ before: -1, after: 2 });
    expect((await h.failure('bad_register')).message).toMatch(/register 64 does not exist/);
    expect((await h.failure('read_empty_register')).message).toMatch(/register 42 is empty/);
  });

  test('pointers outside memory and negative lengths are ABI errors', async () => {
    const h = await harness(readTestModule('probe'));
    const outside = await h.failure('bad_pointer');
    expect(outside.code).toBe('abi');
    expect(outside.message).toMatch(/value_return: bytes .* outside the module's memory/);
    expect((await h.failure('negative_length')).message).toMatch(/log_utf8: negative length/);
  });

  test('non-JSON values and non-UTF-8 keys or values are refused with bad-value', async () => {
    const h = await harness(readTestModule('probe'));
    const notJson = await h.failure('write', { key: 'k', text: '{oops' });
    expect(notJson.code).toBe('bad-value');
    expect(notJson.message).toMatch(/not JSON text/);
    expect((await h.failure('write', { key: 'k', text: '1e999' })).code).toBe('bad-value'); // Infinity
    expect((await h.failure('write', { key: 'k', text: '{"__proto__":1}' })).code).toBe('bad-value');
    expect((await h.failure('write_bytes', { key: 'k', bytes: [0x22, 0xff, 0x22] })).message).toMatch(/not valid UTF-8/);
    expect((await h.failure('write_key_bytes', { key: [0xc3], text: '1' })).message).toMatch(/key is not valid UTF-8/);
    expect((await h.failure('write_key_bytes', { key: [0x61, 0xc3], text: '1' })).message).toMatch(/key is not valid UTF-8/);
    expect((await h.failure('write_key_bytes', { key: [...new Array(70).fill(0x61), 0xff], text: '1' })).message).toMatch(/key is not valid UTF-8/);
    expect(h.state()).toEqual({});
  });

  test('keys read from the module decode the same, short ASCII or not, a leading byte-order mark kept', async () => {
    const h = await harness(readTestModule('probe'));
    const keys = ['a', 'k\u0000k', 'x'.repeat(64), 'y'.repeat(65), 'é', '€/😀', '\uFEFFa', '\uFEFFé'];
    for (const key of keys) await h.call('write_key_bytes', { key: [...new TextEncoder().encode(key)], text: '1' });
    expect(Object.keys(h.state()).sort()).toEqual([...keys].sort());
  });

  test('the host checks input against the declared argument types', async () => {
    const h = await harness(readTestModule('probe'));
    const good = { s: 'x', n: 1.5, i: 2, b: true, o: {}, a: [], j: null };
    expect(parseOutput((await h.call('types', good)).output)).toEqual(good);
    expect(parseOutput((await h.call('types', { ...good, opt: 'here' })).output)).toEqual({ ...good, opt: 'here' });
    const bad = async (input: unknown) => (await h.failure('types', input)).message;
    expect(await bad({ ...good, i: 1.5 })).toMatch(/argument "i" must be an integer/);
    expect(await bad({ ...good, s: 1 })).toMatch(/argument "s" must be a string/);
    expect(await bad({ ...good, extra: 1 })).toMatch(/unexpected argument "extra"/);
    const { j: _, ...missing } = good;
    expect(await bad(missing)).toMatch(/missing argument "j"/);
    expect(await bad({ ...good, opt: null })).toMatch(/argument "opt" must be a string/);
    expect((await h.failure('types', undefined, { input: new TextEncoder().encode('[1]') })).code).toBe('bad-input');
    expect((await h.failure('types', undefined, { input: new Uint8Array([0x7b, 0xff]) })).code).toBe('bad-input');
  });

  test('unknown methods and bad requests are refused before the module runs', async () => {
    const h = await harness(readTestModule('probe'));
    const unknown = await h.failure('nope');
    expect(unknown.code).toBe('unknown-method');
    expect(unknown.message).toMatch(/it has: echo, ids/);
    expect((await h.failure('__tabnode_methods')).code).toBe('unknown-method');
    expect((await h.failure('echo', {}, { contextId: new Uint8Array(31) })).code).toBe('bad-input');
    expect((await h.failure('echo', {}, { clientID: -1 })).code).toBe('bad-input');
  });

  test('a module importing env.memory gets a memory capped at the limit', async () => {
    const h = await harness(readTestModule('tiny-imported'), { limits: { memoryPages: 64 } });
    expect(parseOutput((await h.call('ping')).output)).toBe('pong');
    // Memory starts at 1 page; growing to 64 pages works, past it memory.grow answers -1.
    expect(parseOutput((await h.call('grow', { pages: 63 })).output)).toBe(1);
    expect(parseOutput((await h.call('grow', { pages: 64 })).output)).toBe(-1);
    // The module's own smaller maximum wins.
    const small = await harness(readTestModule('tiny-imported-small'));
    expect(parseOutput((await small.call('grow', { pages: 3 })).output)).toBe(1);
    expect(parseOutput((await small.call('grow', { pages: 4 })).output)).toBe(-1);
  });

  test('each call gets a fresh instance: memory grown by one call is gone in the next', async () => {
    const h = await harness(readTestModule('tiny'));
    const first = await h.call('grow', { pages: 10 });
    expect(first.usage.memoryBytes).toBe(11 * 65536);
    expect(parseOutput((await h.call('grow', { pages: 0 })).output)).toBe(1);
  });

  test('a start function that calls the host runs inside each call', async () => {
    const h = await harness(readTestModule('start-host'));
    for (let i = 0; i < 3; i++) {
      const result = await h.call('ping');
      expect([parseOutput(result.output), result.logs]).toEqual(['pong', ['started']]);
    }
  });

  test('state updates that cannot be applied are refused with bad-state', async () => {
    const h = await harness(readTestModule('probe'));
    await expect(h.runtime.setState(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'bad-state' });
    await expect(h.runtime.applyUpdate(new Uint8Array([0xff, 0xff, 0xff, 0xff]))).rejects.toMatchObject({ code: 'bad-state' });
    expect(parseOutput((await h.call('echo')).output)).toEqual({});
  });

  test('usage reports time, memory, host calls, reads, writes and update size', async () => {
    const h = await harness(readTestModule('probe'));
    const { usage, update } = await h.call('writes', { n: 3, size: 2 });
    expect(usage.writes).toBe(3);
    expect(usage.updateBytes).toBe(update!.length);
    expect(usage.memoryBytes).toBeGreaterThanOrEqual(65536);
    expect(usage.hostCalls).toBeGreaterThan(3);
    expect(usage.ms).toBeGreaterThanOrEqual(0);
  });

  test('the update is one Yjs update of the state map, applied by the node, never by the runtime', async () => {
    const h = await harness(readTestModule('probe'));
    const result = await h.runtime.call({ method: 'write', input: json({ key: 'k', text: '1' }), executor: 'a', contextId: CONTEXT_ID, clientID: 77 });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, result.update!);
    expect(doc.getMap('state').toJSON()).toEqual({ k: 1 });
    expect(Y.parseUpdateMeta(result.update!).to.get(77)).toBe(1);
    // Not applied to the runtime's replica: the same call again still finds no key.
    expect(parseOutput((await h.call('read', { key: 'k' })).output)).toMatchObject({ found: false });
  });
});
