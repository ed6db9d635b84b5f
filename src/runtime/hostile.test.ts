import { beforeAll, describe, expect, test } from 'vitest';
import { RuntimeError } from './errors.ts';
import { createInlineRuntime } from './inlineRuntime.ts';
import { ensureAppsBuilt, harness, parseOutput, readTestModule } from './testkit.ts';

beforeAll(ensureAppsBuilt, 120_000);

/**
 * Each hostile call fails with its code; nothing it wrote (shared, private, events) is
 * kept; the next call works. The endless loop without host calls and the memory bomb run
 * against the worker runtime in runtime.browser.test.ts as well.
 */
describe('hostile modules (apps/test/hostile.ts)', () => {
  const cases: [method: string, code: string, message: RegExp][] = [
    ['spin_calls', 'timeout', /time limit/],
    ['bomb', 'memory', /ran out of memory/],
    ['trap_midway', 'trap', /unreachable/],
    ['oob', 'trap', /memory access out of bounds/],
    ['huge_return', 'limit', /value_return: \d+ bytes is over the limit/],
    ['huge_log', 'limit', /more than 100 log lines/],
    ['big_log', 'limit', /logs add up to more than/],
    ['view_write', 'view-write', /storage_write: a view cannot write/],
    ['view_remove', 'view-write', /storage_remove/],
    ['view_private', 'view-write', /private_write/],
    ['view_emit', 'view-write', /emit/],
    ['panics', 'panic', /the app panicked: boom/],
    ['throws', 'panic', /the app aborted: thrown on purpose \(apps\/test\/hostile.ts:\d+:\d+\)/],
    ['recurse', 'trap', /stack/],
  ];

  test.each(cases)('%s fails with %s, writes nothing, and the next call works', async (method, code, message) => {
    const h = await harness(readTestModule('hostile'), { limits: { callMs: 300 } });
    await h.call('ok');
    const before = h.state();
    const error = await h.failure(method);
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(h.state()).toEqual(before);
    expect(parseOutput((await h.call('peek')).output)).toEqual({ note: null, bombed: null });
    const next = await h.call('ok');
    expect(parseOutput(next.output)).toBe('ok');
    expect(next.events).toEqual([]);
  });

  test('a single allocation beyond the cap traps and says memory may be why', async () => {
    const h = await harness(readTestModule('hostile'));
    const error = await h.failure('bomb_huge');
    expect(error.code).toBe('trap');
    expect(error.message).toMatch(/when an allocation does not fit/);
    expect(h.state()).toEqual({});
  });

  test('the memory bomb grows up to the cap and not past it', async () => {
    const h = await harness(readTestModule('hostile'), { limits: { memoryPages: 1024 } });
    const error = await h.failure('bomb');
    expect(error.message).toMatch(/of its 64 MiB maximum/);
  });
});

describe('modules refused at load', () => {
  const cases: [name: string, code: string, message: RegExp][] = [
    ['tiny-no-max', 'memory', /declares no memory maximum.*--maximumMemory 1024/],
    ['tiny-huge-max', 'memory', /maximum of 2048 pages, over the cap of 64 MiB/],
    ['tiny-huge-initial', 'memory', /starts with 2048 pages/],
    ['random', 'bad-module', /env\.seed .*no clock, randomness or network/],
    ['clock', 'bad-module', /env\.Date\.now .*no clock, randomness or network/],
    ['no-manifest', 'bad-module', /does not export __tabnode_methods/],
    ['bad-manifest', 'bad-module', /method "takes" takes 1 parameters/],
    ['bad-signature', 'bad-module', /imports env\.storage_has as \(i64\)->i32; ABI v1 defines it as \(i32,i32\)->i32/],
  ];

  test.each(cases)('%s: %s', async (name, code, message) => {
    const runtime = createInlineRuntime();
    const error = await runtime.load(readTestModule(name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as RuntimeError).code).toBe(code);
    expect((error as RuntimeError).message).toMatch(message);
  });

  test('garbage, truncated and oversized bytes', async () => {
    const runtime = createInlineRuntime({ limits: { moduleBytes: 1000 } });
    const load = (bytes: Uint8Array) => runtime.load(bytes).catch((e: RuntimeError) => `${e.code}: ${e.message}`);
    expect(await load(new TextEncoder().encode('hello'))).toMatch(/^bad-module: .*does not start with \\0asm/);
    expect(await load(readTestModule('tiny').subarray(0, 900))).toMatch(/^bad-module: .*truncated/);
    expect(await load(readTestModule('tiny'))).toMatch(/^bad-module: .*over the limit of 1000/);
  });

  test('a failed load keeps no module: calls say so', async () => {
    const runtime = createInlineRuntime();
    await runtime.load(readTestModule('random')).catch(() => {});
    const error = await runtime.call({ method: 'roll', input: new Uint8Array(), executor: 'a', contextId: new Uint8Array(32), clientID: 1 }).catch((e: RuntimeError) => e);
    expect((error as RuntimeError).code).toBe('not-loaded');
  });

  test('a closed runtime refuses everything', async () => {
    const runtime = createInlineRuntime();
    runtime.close();
    await expect(runtime.load(readTestModule('tiny'))).rejects.toMatchObject({ code: 'closed' });
  });
});

test('a loop of host calls is ended by the time limit however long it is, not by memory (the loop allocates nothing)', async () => {
  const h = await harness(readTestModule('hostile'), { limits: { callMs: 2_000 } });
  const error = await h.failure('spin_calls');
  expect(error.code).toBe('timeout');
}, 20_000);
