import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { deltaBody, genesis, invite, joinBody, op, person, T0 } from '../context/testkit.ts';
import { memoryLinkPair } from '../mesh/memoryLink.ts';
import { simScheduler } from '../mesh/simScheduler.ts';
import { idKey, type Op, type OpBody } from '../ops/op.ts';
import type { SyncEvent } from './contextSync.ts';
import { syncNode } from './testkit.ts';

/**
 * The defences against hostile peers must not hit honest ones whose view differs: what a
 * node refuses depends on what it has seen, so refusals over its budget are not held
 * against the sender, and a removal that takes a head out is still stored and relayed.
 */
const flush = async (rounds = 6) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
};

let yClient = 7000;
/** A delta of about 40 KB. */
function bigDelta(key: string): OpBody {
  const doc = new Y.Doc();
  doc.clientID = yClient++;
  let update: Uint8Array = new Uint8Array();
  doc.on('update', (u: Uint8Array) => (update = u));
  doc.getMap('state').set(key, 'v'.repeat(40_000));
  return { kind: 'delta', writer: 'kv', update, call: undefined, events: [] };
}

describe('honest peers with different views', () => {
  test('a relayer holding 1.2 MB of writes this node refuses (over its budget) is not cut off, and the two converge', async () => {
    const [a, w, n] = await Promise.all([person('A', 701), person('W', 702), person('N', 703)]);
    const g = await genesis(a);
    const joinW = await op(w.device, g.id, [g], joinBody(w.device, await invite(a.device, g.id, { nonce: 1 })), T0 + 100);
    const joinN = await op(n.device, g.id, [joinW], joinBody(n.device, await invite(a.device, g.id, { nonce: 2 })), T0 + 200);
    // W writes a lot (valid for N, which has not seen the removal), A removes W concurrently.
    const writes: Op[] = [];
    let previous: Op = joinN;
    for (let i = 0; i < 30; i++) writes.push((previous = await op(w.device, g.id, [previous], bigDelta(`k${i}`), T0 + 300 + i)));
    const removal = await op(a.device, g.id, [joinN], { kind: 'remove', member: w.rootId }, T0 + 400);
    const scheduler = simScheduler(T0 + 60_000);
    const events: SyncEvent[] = [];
    const N = syncNode(n, g.id, scheduler, { onChange: (e) => void events.push(e) });
    const R = syncNode(a, g.id, scheduler, { onChange: (e) => void events.push(e) });
    await N.sync.publish([g, joinW, joinN, ...writes]);
    await R.sync.publish([g, joinW, joinN, removal]);
    // N builds on W's writes before it hears of the removal.
    const onTop = await op(n.device, g.id, N.replica.parents(), deltaBody('n-on-top'), T0 + 500);
    await N.sync.publish([onTop]);
    const link = memoryLinkPair({ scheduler, names: ['N', 'R'] });
    N.sync.addLink(link.a);
    R.sync.addLink(link.b);
    for (let i = 0; i < 60; i++) {
      scheduler.advance(100);
      await flush();
    }
    expect(events.filter((e) => e.kind === 'breach')).toEqual([]);
    expect(R.replica.dag.has(idKey(onTop.id))).toBe(true);
    expect(R.replica.heads()).toEqual(N.replica.heads());
    expect(R.replica.historySize()).toBe(N.replica.historySize());
    N.sync.stop();
    R.sync.stop();
  }, 60_000);
});
