import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { deltaBody, genesis, invite, joinBody, op, person, T0, type Person } from '../context/testkit.ts';
import { memoryLinkPair } from '../mesh/memoryLink.ts';
import { simScheduler } from '../mesh/simScheduler.ts';
import { encodeOp, idKey, type Op } from '../ops/op.ts';
import { signHandshake } from './handshake.ts';
import { syncNode } from './testkit.ts';
import { PROTOCOL_VERSION, syncCodec, type SyncMessage } from './messages.ts';

/**
 * The rule of docs/governance.md, "What the history is", as a property: whatever an
 * outsider (authenticated or not, holding the room password but no membership) sends, the
 * members' history, heads and state are what they would be without it, and members write on.
 */
const flush = async (rounds = 6) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
};

type Move =
  | { kind: 'garbage'; bytes: Uint8Array }
  | { kind: 'hello'; nonce: Uint8Array; skewMinutes: number }
  | { kind: 'auth' }
  | { kind: 'heads'; ids: number[] }
  | { kind: 'want'; ids: number[] }
  | { kind: 'forged-ops'; count: number; on: number }
  | { kind: 'replay'; which: number }
  | { kind: 'checkpoint'; bytes: Uint8Array }
  | { kind: 'app'; bytes: Uint8Array };

const move: fc.Arbitrary<Move> = fc.oneof(
  fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 200 }) }),
  fc.record({ kind: fc.constant('hello' as const), nonce: fc.uint8Array({ minLength: 32, maxLength: 32 }), skewMinutes: fc.integer({ min: -30, max: 30 }) }),
  fc.record({ kind: fc.constant('auth' as const) }),
  fc.record({ kind: fc.constant('heads' as const), ids: fc.array(fc.nat(9), { maxLength: 8 }) }),
  fc.record({ kind: fc.constant('want' as const), ids: fc.array(fc.nat(9), { maxLength: 8 }) }),
  fc.record({ kind: fc.constant('forged-ops' as const), count: fc.integer({ min: 1, max: 40 }), on: fc.nat(9) }),
  fc.record({ kind: fc.constant('replay' as const), which: fc.nat(9) }),
  fc.record({ kind: fc.constant('checkpoint' as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ kind: fc.constant('app' as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
);

async function stage() {
  const [a, b, x] = await Promise.all([person('A', 501), person('B', 502), person('X', 503)]);
  const throwaway: Person[] = await Promise.all(Array.from({ length: 40 }, (_, i) => person('T', 600 + i)));
  const g = await genesis(a);
  const join = await op(b.device, g.id, [g], joinBody(b.device, await invite(a.device, g.id)));
  const history: Op[] = [g, join];
  for (let i = 0; i < 4; i++) history.push(await op(i % 2 ? b.device : a.device, g.id, [history.at(-1)!], deltaBody(`w${i}`), T0 + 2000 + i));
  return { a, b, x, throwaway, g, history };
}

describe('an outsider cannot change what members can write', () => {
  test('property: any sequence of messages from a non-member leaves history, heads and state as without it', async () => {
    const s = await stage();
    await fc.assert(
      fc.asyncProperty(fc.array(move, { minLength: 1, maxLength: 12 }), async (moves) => {
        const scheduler = simScheduler(T0 + 60_000);
        const [A, B] = [syncNode(s.a, s.g.id, scheduler), syncNode(s.b, s.g.id, scheduler)];
        await A.sync.publish(s.history);
        const ab = memoryLinkPair({ scheduler, names: ['A', 'B'] });
        A.sync.addLink(ab.a);
        B.sync.addLink(ab.b);
        const ax = memoryLinkPair({ scheduler, names: ['A', 'X'] });
        A.sync.addLink(ax.a);
        let theirNonce: Uint8Array | undefined;
        const myNonce = crypto.getRandomValues(new Uint8Array(32));
        ax.b.onMessage((bytes) => {
          const m = syncCodec.decode(bytes);
          if (m.kind === 'hello') theirNonce = m.nonce;
        });
        const ids = s.history.map((o) => o.id);
        const send = (m: SyncMessage) => ax.b.send(syncCodec.encode(m)).catch(() => undefined);
        for (const mv of moves) {
          switch (mv.kind) {
            case 'garbage':
              await ax.b.send(mv.bytes).catch(() => undefined);
              break;
            case 'hello':
              await send({ kind: 'hello', protocol: PROTOCOL_VERSION, context: s.g.id, nonce: mv.nonce, time: scheduler.now() + mv.skewMinutes * 60_000 });
              break;
            case 'auth':
              if (theirNonce) {
                const signature = await signHandshake(s.x.device.signer, s.g.id, myNonce, theirNonce);
                await send({ kind: 'auth', key: s.x.device.signer.publicKey, delegation: s.x.device.delegation, credential: { kind: 'member' }, signature });
              }
              break;
            case 'heads':
              await send({ kind: 'heads', heads: mv.ids.map((i) => ids[i % ids.length]!), sample: [], count: 0 });
              break;
            case 'want':
              await send({ kind: 'want', ids: mv.ids.map((i) => ids[i % ids.length]!) });
              break;
            case 'forged-ops': {
              const on = s.history[mv.on % s.history.length]!;
              const ops = await Promise.all(s.throwaway.slice(0, mv.count).map((t, i) => op(t.device, s.g.id, [on], deltaBody(`junk${i}`), T0 + 5000 + i)));
              await send({ kind: 'ops', ops: ops.map(encodeOp) });
              break;
            }
            case 'replay':
              await send({ kind: 'ops', ops: [encodeOp(s.history[mv.which % s.history.length]!)] });
              break;
            case 'checkpoint':
              await send({ kind: 'checkpoint', checkpoint: mv.bytes });
              break;
            case 'app':
              await send({ kind: 'app', bytes: mv.bytes });
              break;
          }
          scheduler.advance(50);
          await flush();
        }
        for (let i = 0; i < 20; i++) {
          scheduler.advance(100);
          await flush();
        }
        // Members write, on the parents their own view gives, and both end with the same history.
        const wa = await op(s.a.device, s.g.id, A.replica.parents(), deltaBody('after-a'), T0 + 9000);
        const wb = await op(s.b.device, s.g.id, B.replica.parents(), deltaBody('after-b'), T0 + 9001);
        expect((await A.sync.publish([wa])).accepted).toHaveLength(1);
        expect((await B.sync.publish([wb])).accepted).toHaveLength(1);
        for (let i = 0; i < 30; i++) {
          scheduler.advance(100);
          await flush();
        }
        const expected = [...s.history.map((o) => idKey(o.id)), idKey(wa.id), idKey(wb.id)].sort();
        for (const n of [A, B]) {
          expect([...n.replica.dag.all()].map((c) => c.key).sort()).toEqual(expected);
          expect(n.replica.heads()).toEqual([idKey(wa.id), idKey(wb.id)].sort());
          expect(n.replica.dag.pendingCount()).toBe(0);
          expect([...n.sink.applied.values()].sort()).toEqual(['after-a', 'after-b', 'w0', 'w1', 'w2', 'w3']);
        }
        expect(A.sync.peers().find((p) => p.linkId === ax.a.id)?.state ?? 'closed').not.toBe('verified');
        A.sync.stop();
        B.sync.stop();
      }),
      { numRuns: Number(process.env.OUTSIDER_RUNS ?? 15) },
    );
  }, 240_000);
});
