import { beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { createInlineRuntime } from './inlineRuntime.ts';
import { CONTEXT_ID, ensureAppsBuilt, harness, json, parseOutput, readApp } from './testkit.ts';
import type { CallRequest } from './types.ts';

beforeAll(ensureAppsBuilt, 120_000);

/** A board with some history, as a full state update. */
async function boardState(): Promise<Uint8Array> {
  const h = await harness(readApp('team-board'), { executor: 'alice' });
  const one = await h.call('create_task', { title: 'one' });
  await h.call('create_task', { title: 'two' });
  await h.call('set_status', { id: (parseOutput(one.output) as { id: string }).id, status: 'done' });
  return Y.encodeStateAsUpdate(h.doc);
}

const request = (clientID: number): CallRequest => ({
  method: 'create_task',
  input: json({ title: 'three', assignee: 'bob' }),
  executor: 'carol',
  contextId: CONTEXT_ID,
  clientID,
});

test('same state, input, executor and client id give byte-identical results in separate runtimes', async () => {
  const state = await boardState();
  const results = [];
  for (let i = 0; i < 3; i++) {
    const runtime = createInlineRuntime();
    await runtime.load(readApp('team-board'));
    await runtime.setState(state);
    results.push(await runtime.call(request(424242)));
    runtime.close();
  }
  for (const r of results.slice(1)) {
    expect(r.update).toEqual(results[0]!.update);
    expect(r.output).toEqual(results[0]!.output);
    expect(r.events).toEqual(results[0]!.events);
  }
  // A different client id gives a different update with the same effect.
  const runtime = createInlineRuntime();
  await runtime.load(readApp('team-board'));
  await runtime.setState(state);
  const other = await runtime.call(request(7));
  expect(other.update).not.toEqual(results[0]!.update);
  expect(other.output).toEqual(results[0]!.output);
});

test('a call re-run against a given base (verifiable execution) reproduces the update', async () => {
  const state = await boardState();
  const runtime = createInlineRuntime();
  await runtime.load(readApp('team-board'));
  await runtime.setState(state);
  const original = await runtime.call(request(99));
  await runtime.applyUpdate(original.update!);
  // Later the replica has moved on; re-run at the op's parents (the state before the call).
  const rerun = await runtime.call(request(99), { base: state });
  expect(rerun.update).toEqual(original.update);
});

test('earlier calls leave nothing behind in the module: globals and memory start fresh', async () => {
  const h = await harness(readApp('kv-store'));
  const first = await h.runtime.call({ method: 'get', input: json({ key: 'x' }), executor: 'a', contextId: CONTEXT_ID, clientID: 1 });
  for (let i = 0; i < 20; i++) await h.call('set', { key: `k${i}`, value: 'v'.repeat(1000) });
  const again = await h.runtime.call({ method: 'get', input: json({ key: 'x' }), executor: 'a', contextId: CONTEXT_ID, clientID: 1 });
  expect(again.usage.memoryBytes).toBe(first.usage.memoryBytes);
});
