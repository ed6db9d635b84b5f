import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { idKey, type Op, type OpBody } from '../ops/op.ts';
import { ROLES } from '../ops/roles.ts';
import { createReplica } from './replica.ts';
import { deltaBody, genesis, invite, joinBody, newDevice, op, person, recordingSink, revokeKeyBody, shuffle, T0, type Device, type Person } from './testkit.ts';

/**
 * Property: whatever order (and however often) ops arrive, every replica reaches the same
 * verdicts, heads, governance and state, and the state holds exactly the valid deltas.
 * Histories are random, with concurrent governance: role changes, removals, key
 * revocations, invites and joins racing each other.
 */

type Action = { actor: number; kind: number; target: number; role: number; parents: number[] };

const actionArb = fc.record({
  actor: fc.nat(4),
  kind: fc.nat(8),
  target: fc.nat(4),
  role: fc.nat(4),
  parents: fc.array(fc.nat(1000), { minLength: 1, maxLength: 3 }),
});

async function buildHistory(people: Person[], actions: Action[]): Promise<Op[]> {
  const [owner] = people as [Person];
  const g = await genesis(owner);
  const ctx = g.id;
  const ops: Op[] = [g];
  const devices = new Map<number, Device[]>(people.map((p, i) => [i, [p.device]]));
  let t = T0 + 1000;
  // Everyone joins first, so the random part mostly exercises members racing each other.
  const startRoles = ['admin', 'writer', 'writer', 'reader'] as const;
  for (const [i, role] of startRoles.entries()) {
    const inv = await invite(owner.device, ctx, { role, nonce: 200 + i });
    ops.push(await op(people[i + 1]!.device, ctx, [ops.at(-1)!], joinBody(people[i + 1]!.device, inv), t++));
  }
  for (const a of actions) {
    const actor = people[a.actor]!;
    const device = devices.get(a.actor)!.at(-1)!;
    const target = people[a.target]!;
    const parents = [...new Set(a.parents.map((p) => ops.length - 1 - (p % Math.min(ops.length, 6))))].map((i) => ops[i]!);
    let body: OpBody;
    switch (a.kind) {
      case 0:
      case 1:
      case 8:
        body = deltaBody(`${actor.name}@${t}`);
        break;
      case 2: {
        const inv = await invite(devices.get(a.actor)!.at(-1)!, ctx, { role: ROLES[1 + (a.role % 4)]!, maxUses: 1 + (a.role % 2), nonce: t % 256 });
        body = joinBody(devices.get(a.target)!.at(-1)!, inv);
        ops.push(await op(devices.get(a.target)!.at(-1)!, ctx, parents, body, t++));
        continue;
      }
      case 3:
        body = { kind: 'set-role', member: target.rootId, role: ROLES[a.role]! };
        break;
      case 4:
        body = { kind: 'remove', member: target.rootId };
        break;
      case 5: {
        body = await revokeKeyBody(actor.root, device);
        break;
      }
      case 6: {
        const fresh = await newDevice(actor.root, `${actor.name}-${t}`);
        devices.get(a.actor)!.push(fresh);
        ops.push(await op(fresh, ctx, parents, { kind: 'add-device', delegation: fresh.delegation }, t++));
        continue;
      }
      case 7:
        body = { kind: 'leave' };
        break;
      default:
        body = deltaBody(`${actor.name}!${t}`);
    }
    ops.push(await op(device, ctx, parents, body, t++));
  }
  return ops;
}

async function replay(ctx: Uint8Array, ops: Op[]) {
  const sink = recordingSink();
  const replica = createReplica(ctx, sink);
  for (const o of ops) await replica.receive([o]);
  const verdicts = Object.fromEntries(ops.map((o) => [idKey(o.id), replica.verdict(idKey(o.id))?.valid ?? 'absent']));
  const gov = replica.governance();
  return {
    verdicts,
    heads: replica.heads(),
    members: [...gov.members].sort().map(([root, m]) => `${root}:${m.role}`),
    revoked: [...gov.revokedKeys].sort(),
    applied: [...sink.applied.keys()].sort(),
    validDeltas: ops.filter((o) => o.body.kind === 'delta' && replica.verdict(idKey(o.id))?.valid).map((o) => idKey(o.id)).sort(),
  };
}

describe('governance convergence', () => {
  test('every arrival order gives the same verdicts, governance and state', async () => {
    const people = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((n, i) => person(n, 50 + i)));
    await fc.assert(
      fc.asyncProperty(
        fc.array(actionArb, { minLength: 5, maxLength: 28 }),
        fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
        async (actions, seeds) => {
          const ops = await buildHistory(people, actions);
          const ctx = ops[0]!.id;
          const reference = await replay(ctx, ops);
          expect(reference.applied).toEqual(reference.validDeltas);
          for (const seed of seeds) {
            const shuffled = shuffle(ops, seed);
            const withDuplicates = [...shuffled, ...shuffled.slice(0, seed % 5)];
            const other = await replay(ctx, withDuplicates);
            expect(other.verdicts).toEqual(reference.verdicts);
            expect(other.heads).toEqual(reference.heads);
            expect(other.members).toEqual(reference.members);
            expect(other.revoked).toEqual(reference.revoked);
            expect(other.applied).toEqual(reference.applied);
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});

