import { beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { ensureAppsBuilt, harness, json, parseOutput, readTestModule, CONTEXT_ID } from './testkit.ts';

beforeAll(ensureAppsBuilt, 120_000);

/** `instance_calls` counts its own calls in the instance it runs in: 1 means a fresh instance. */
async function probe() {
  const h = await harness(readTestModule('probe'));
  const instanceCalls = async () => parseOutput((await h.call('instance_calls')).output);
  return { ...h, instanceCalls };
}

describe('views share an instance while the state is unchanged', () => {
  test('consecutive views of the same state run in one instance', async () => {
    const h = await probe();
    expect(await h.instanceCalls()).toBe(1);
    expect(await h.instanceCalls()).toBe(2);
    await h.call('read', { key: 'k' }); // another view, same instance
    expect(await h.instanceCalls()).toBe(3);
  });

  test('a mutation ends the reuse, even one whose update is never applied', async () => {
    const h = await probe();
    await h.instanceCalls();
    await h.runtime.call({ method: 'write', input: json({ key: 'k', text: '1' }), executor: 'alice', contextId: CONTEXT_ID, clientID: 5 });
    expect(await h.instanceCalls()).toBe(1);
  });

  test('a state change, a new state or new private storage ends the reuse', async () => {
    const h = await probe();
    await h.instanceCalls();
    const other = new Y.Doc();
    other.getMap('state').set('x', 1);
    await h.runtime.applyUpdate(Y.encodeStateAsUpdate(other));
    expect(await h.instanceCalls()).toBe(1);
    await h.runtime.setState(Y.encodeStateAsUpdate(other));
    expect(await h.instanceCalls()).toBe(1);
    await h.runtime.setPrivate([['note', new TextEncoder().encode('"n"')]]);
    expect(await h.instanceCalls()).toBe(1);
    expect(await h.instanceCalls()).toBe(2);
  });

  test('a re-run against a given state, a failed view and a view that grew memory get fresh instances', async () => {
    const h = await probe();
    await h.instanceCalls();
    const base = Y.encodeStateAsUpdate(new Y.Doc());
    const rerun = await h.runtime.call({ method: 'instance_calls', input: json({}), executor: 'alice', contextId: CONTEXT_ID, clientID: 5 }, { base });
    expect(parseOutput(rerun.output)).toBe(1);
    expect(await h.instanceCalls()).toBe(1);
    await h.failure('panic', { text: 'stop' });
    expect(await h.instanceCalls()).toBe(1);
    await h.call('ret', { size: 4 * 65536 }).catch(() => undefined);
    expect(await h.instanceCalls()).toBe(1);
  });
});

test('once a view outgrew its memory, instances serve a bounded number of views and are let go before they must grow', async () => {
  const h = await probe();
  expect(await h.instanceCalls()).toBe(1);
  await h.call('ret', { size: 4 * 65536 }); // grows the memory: that instance is dropped
  const counts: unknown[] = [];
  for (let i = 0; i < 10; i++) counts.push(await h.instanceCalls());
  expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 1, 2]);
});
