import { beforeAll, describe, expect, test, vi } from 'vitest';
import { OP_LIMITS } from '../core/ops/op.ts';
import { STATE_LIMITS } from '../core/state/layout.ts';
import { DEFAULT_LIMITS, withLimits } from './limits.ts';
import { CONTEXT_ID, ensureAppsBuilt, harness, json, parseOutput, readTestModule } from './testkit.ts';

beforeAll(ensureAppsBuilt, 120_000);

describe('default limits', () => {
  test('a call within them always fits one delta op', () => {
    expect(DEFAULT_LIMITS.memoryPages * 65536).toBe(64 * 1024 * 1024);
    expect(DEFAULT_LIMITS.inputBytes).toBeLessThanOrEqual(OP_LIMITS.callInputBytes);
    expect(DEFAULT_LIMITS.events).toBeLessThanOrEqual(OP_LIMITS.events);
    expect(DEFAULT_LIMITS.eventNameBytes).toBeLessThanOrEqual(OP_LIMITS.methodBytes);
    expect(DEFAULT_LIMITS.eventPayloadBytes).toBeLessThanOrEqual(OP_LIMITS.eventBytes);
    expect(DEFAULT_LIMITS.updateBytes).toBeLessThanOrEqual(OP_LIMITS.updateBytes);
    // Event payloads plus their names and per-event framing, the update and the input together.
    const eventsWorstCase = DEFAULT_LIMITS.eventBytes + DEFAULT_LIMITS.events * (DEFAULT_LIMITS.eventNameBytes + 16);
    expect(DEFAULT_LIMITS.updateBytes + eventsWorstCase + DEFAULT_LIMITS.inputBytes + 4096).toBeLessThanOrEqual(OP_LIMITS.encodedBytes);
    expect(DEFAULT_LIMITS.keyBytes).toBe(STATE_LIMITS.keyBytes);
  });

  test('withLimits refuses nonsense', () => {
    expect(() => withLimits({ callMs: -1 })).toThrow(/non-negative integer/);
    expect(() => withLimits({ memoryPages: 70000 })).toThrow(/at most 65536/);
  });
});

describe('each per-call limit fails the call with "limit", nothing written', () => {
  const probe = () => readTestModule('probe');

  test('input bytes', async () => {
    const h = await harness(probe(), { limits: { inputBytes: 100 } });
    await h.call('echo', { any: 'x'.repeat(80) });
    const error = await h.failure('echo', { any: 'x'.repeat(100) });
    expect(error.code).toBe('bad-input');
    expect(error.message).toMatch(/over the limit of 100/);
  });

  test('return bytes', async () => {
    const h = await harness(probe(), { limits: { returnBytes: 1000 } });
    expect((await h.call('ret', { size: 1000 })).output).toHaveLength(1000);
    expect((await h.failure('ret', { size: 1001 })).code).toBe('limit');
  });

  test('log lines and log bytes', async () => {
    const h = await harness(probe(), { limits: { logLines: 5, logBytes: 100 } });
    expect((await h.call('logs', { n: 5, size: 20 })).logs).toHaveLength(5);
    expect((await h.failure('logs', { n: 6, size: 1 })).message).toMatch(/more than 5 log lines/);
    expect((await h.failure('logs', { n: 2, size: 51 })).message).toMatch(/add up to more than 100 bytes/);
  });

  test('events: count, payload size, total bytes, name length', async () => {
    const h = await harness(probe(), { limits: { events: 3, eventPayloadBytes: 100, eventBytes: 250, eventNameBytes: 8 } });
    expect((await h.call('events', { n: 2, size: 100 })).events).toHaveLength(2);
    expect((await h.failure('events', { n: 4, size: 1 })).message).toMatch(/more than 3 events/);
    expect((await h.failure('events', { n: 1, size: 101 })).message).toMatch(/payload of 101 bytes/);
    expect((await h.failure('events', { n: 3, size: 100 })).message).toMatch(/add up to more than 250 bytes/);
    expect((await h.failure('emit', { name: 'ninechars', payload: '', hash_only: false })).code).toBe('limit');
    expect((await h.failure('emit', { name: '', payload: '', hash_only: false })).code).toBe('limit');
  });

  test('shared writes per call', async () => {
    const h = await harness(probe(), { limits: { writes: 10 } });
    await h.call('writes', { n: 10, size: 1 });
    expect(Object.keys(h.state())).toHaveLength(10);
    const error = await h.failure('writes', { n: 11, size: 1 });
    expect(error.code).toBe('limit');
    expect(error.message).toMatch(/more than 10 shared writes/);
  });

  test('private writes per call', async () => {
    const h = await harness(probe(), { limits: { privateWrites: 10 } });
    expect((await h.call('private_writes', { n: 10, size: 1 })).privateWrites).toHaveLength(10);
    expect((await h.failure('private_writes', { n: 11, size: 1 })).code).toBe('limit');
  });

  test('update bytes', async () => {
    const h = await harness(probe(), { limits: { updateBytes: 2000 } });
    await h.call('writes', { n: 10, size: 100 });
    const error = await h.failure('writes', { n: 20, size: 100 });
    expect(error.code).toBe('limit');
    expect(error.message).toMatch(/-byte update, over the limit of 2000/);
    expect(Object.keys(h.state())).toHaveLength(10);
  });

  test('key bytes (shared and private)', async () => {
    const h = await harness(probe());
    await h.call('write', { key: 'k'.repeat(256), text: '1' });
    expect((await h.failure('write', { key: 'k'.repeat(257), text: '1' })).code).toBe('limit');
    expect((await h.failure('private_write', { key: 'k'.repeat(257), text: '1' })).code).toBe('limit');
  });

  test('value size: JSON text, and the canonical form (64 KiB)', async () => {
    const h = await harness(probe());
    const error = await h.failure('writes', { n: 1, size: 70_000 });
    expect(error.code).toBe('limit');
    expect(error.message).toMatch(/canonical form/);
    const small = await harness(probe(), { limits: { valueTextBytes: 1000 } });
    await small.call('write', { key: 'k', text: `"${'v'.repeat(998)}"` });
    const text = await small.failure('write', { key: 'k', text: `"${'v'.repeat(999)}"` });
    expect(text.message).toMatch(/1001 bytes of JSON text is over the limit of 1000/);
    const h2 = await harness(probe(), { limits: { privateValueBytes: 10 } });
    expect((await h2.failure('private_writes', { n: 1, size: 11 })).code).toBe('limit');
  });

  test('wall-clock time (checked at host calls in the inline runtime)', async () => {
    const h = await harness(probe());
    const request = { method: 'writes', input: json({ n: 1, size: 1 }), executor: 'a', contextId: CONTEXT_ID, clientID: 5 };
    await expect(h.runtime.call(request, { timeoutMs: 0 })).rejects.toMatchObject({ code: 'timeout' });
    expect((await h.runtime.call(request)).update).not.toBeNull();
  });

  test('the clock is read at the start and end of a call and at every 8th host call, not at each', async () => {
    const h = await harness(probe());
    const request = { method: 'writes', input: json({ n: 40, size: 1 }), executor: 'a', contextId: CONTEXT_ID, clientID: 5 };
    await h.runtime.call(request); // the first call also instantiates; count a later one
    const now = vi.spyOn(performance, 'now');
    try {
      const result = await h.runtime.call(request);
      expect(result.usage.hostCalls).toBeGreaterThan(40);
      expect(now.mock.calls.length).toBeLessThanOrEqual(2 + Math.ceil(result.usage.hostCalls / 8));
    } finally {
      now.mockRestore();
    }
  });

  test('the method list size', async () => {
    const h = await harness(readTestModule('tiny'));
    expect(h.manifest.methods).toHaveLength(2);
    await expect(harness(readTestModule('probe'), { limits: { methods: 5 } })).rejects.toMatchObject({ code: 'bad-module', message: expect.stringMatching(/over the limit of 5/) });
  });

  test('memory cap: modules declaring more than the cap are refused', async () => {
    await expect(harness(readTestModule('tiny'), { limits: { memoryPages: 512 } })).rejects.toMatchObject({ code: 'memory' });
    expect(parseOutput((await (await harness(readTestModule('tiny'))).call('ping')).output)).toBe('pong');
  });
});
