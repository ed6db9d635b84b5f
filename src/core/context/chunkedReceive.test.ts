import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import fc from 'fast-check';
import { encodeOp, type Op } from '../ops/op.ts';
import { createReplica, RECEIVE_LIMITS } from './replica.ts';
import { deltaBody, genesis, invite, joinBody, op, person, recordingSink, T0 } from './testkit.ts';

/**
 * A catch-up arrives in pieces (sync messages, and chunks inside each receive): however the
 * stream is cut, verdicts, heads and state are those of taking it in one piece.
 */
async function history(): Promise<{ contextId: Uint8Array; stream: Uint8Array[] }> {
  const [a, w, r] = await Promise.all([person('A', 801), person('W', 802), person('R', 803)]);
  const g = await genesis(a);
  const joinW = await op(w.device, g.id, [g], joinBody(w.device, await invite(a.device, g.id, { nonce: 1 })), T0 + 100);
  const joinR = await op(r.device, g.id, [joinW], joinBody(r.device, await invite(a.device, g.id, { nonce: 2, role: 'reader' })), T0 + 200);
  const ops: Op[] = [g, joinW, joinR];
  let heads: Op[] = [joinR];
  // Rounds of concurrent writes (a reader's among them, refused), W removed halfway concurrently with its writes.
  for (let round = 0; round < 2 * RECEIVE_LIMITS.chunkOps; round++) {
    const by = [a, w, r][round % 3]!;
    const next = await op(by.device, g.id, heads, deltaBody(`k${round % 40}-${round}`), T0 + 300 + round);
    if (round === 250) {
      const removal = await op(a.device, g.id, heads, { kind: 'remove', member: w.rootId }, T0 + 300 + round);
      ops.push(removal);
      heads = [next, removal];
    } else heads = [next];
    ops.push(next);
  }
  const bytes = ops.map(encodeOp);
  // A forged op and garbage in the stream too.
  const forged = encodeOp({ ...ops[10]!, signature: new Uint8Array(64).fill(1) });
  return { contextId: g.id, stream: [...bytes.slice(0, 100), forged, new Uint8Array([1, 2, 3]), ...bytes.slice(100)] };
}

async function takeIn(contextId: Uint8Array, stream: Uint8Array[], cuts: number[]) {
  const sink = recordingSink();
  const replica = createReplica(contextId, sink);
  const bounds = [...new Set([0, ...cuts.map((c) => c % stream.length), stream.length])].sort((x, y) => x - y);
  for (let i = 0; i + 1 < bounds.length; i++) await replica.receive(stream.slice(bounds[i], bounds[i + 1]));
  const verdicts = [...replica.dag.all()].map((c) => [c.key, replica.verdict(c.key)?.valid]);
  return { verdicts: new Map(verdicts as [string, boolean][]), heads: replica.heads(), state: [...sink.applied].sort(), size: replica.historySize() };
}

describe('chunked catch-up', () => {
  test('any cutting of the stream gives the verdicts, heads and state of one receive', async () => {
    const { contextId, stream } = await history();
    const whole = await takeIn(contextId, stream, []);
    expect(whole.size).toBeGreaterThan(RECEIVE_LIMITS.chunkOps);
    expect([...whole.verdicts.values()].some((v) => v === false)).toBe(true);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(10_000), { maxLength: 12 }), async (cuts) => {
        const pieces = await takeIn(contextId, stream, cuts);
        expect(pieces.verdicts).toEqual(whole.verdicts);
        expect(pieces.heads).toEqual(whole.heads);
        expect(pieces.state).toEqual(whole.state);
      }),
      { numRuns: 15 },
    );
  }, 120_000);

  test('a delta whose update breaks the state layout is refused with that reason in whichever chunk it sits; the rest is taken in', async () => {
    const a = await person('A', 804);
    const g = await genesis(a);
    const ops: Op[] = [g];
    for (let i = 0; i < RECEIVE_LIMITS.chunkOps + 20; i++) ops.push(await op(a.device, g.id, [ops.at(-1)!], deltaBody(`k${i}`), T0 + 1 + i));
    // A Yjs update to a root other than the state map: a valid Yjs update, not a state one.
    const doc = new Y.Doc();
    let update: Uint8Array = new Uint8Array();
    doc.on('update', (u: Uint8Array) => (update = u));
    doc.getMap('elsewhere').set('x', 1);
    const bad = await op(a.device, g.id, [ops[RECEIVE_LIMITS.chunkOps]!], { kind: 'delta', writer: 'kv', update, call: undefined, events: [] }, T0 + 5000);
    const stream = [...ops.slice(0, RECEIVE_LIMITS.chunkOps + 5), bad, ...ops.slice(RECEIVE_LIMITS.chunkOps + 5)].map(encodeOp);
    const replica = createReplica(g.id, recordingSink());
    const result = await replica.receive(stream);
    expect(result.rejected.map((r) => r.reason)).toEqual(['malformed']);
    expect(result.rejected[0]!.message).toMatch(/state layout/);
    expect(replica.historySize()).toBe(ops.length);
  });
});
