// What attackers do in the attack tests, each as one small function.
import { joinBody, op, person, type Device } from '../../core/context/testkit.ts';
import { encodeOp, idKey, type Op, type OpBody } from '../../core/ops/op.ts';
import { parseInviteLink, type Invite } from '../../core/invitation/index.ts';
import type { Role } from '../../core/ops/roles.ts';
import type { RawPeer } from './rawPeer.ts';
import * as Y from 'yjs';
import type { AttackWorld } from './world.ts';

let throwaway = 2000;

/** A delta writing `bytes` bytes of junk under one key. */
function junkDelta(bytes: number): OpBody {
  const doc = new Y.Doc();
  let update: Uint8Array = new Uint8Array();
  doc.on('update', (u: Uint8Array) => (update = u));
  doc.getMap('state').set(`junk-${throwaway}`, 'j'.repeat(bytes));
  return { kind: 'delta', writer: 'kv', update, call: undefined, events: [] };
}

/**
 * `n` validly signed ops on `parents`, each carrying about `size` bytes: by `device` if
 * given, else each by a fresh key nobody introduced.
 */
export async function junkOps(context: Uint8Array, n: number, parents: Uint8Array[], size = 50, device?: Device): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const by = device ?? (await person('T', ++throwaway)).device;
    out.push(encodeOp(await op(by, context, parents, junkDelta(size), Date.now() + i)));
  }
  return out;
}

/**
 * Join by hand over a raw link admitted as an invitee: take the history the member sends,
 * sign a join op on its heads, send it. Returns the join op. (Runs in browsers too.)
 */
export async function joinByHand(peer: RawPeer, invite: Invite, context: Uint8Array, device: Device): Promise<Op> {
  const heads = await peer.next('heads');
  await peer.send({ kind: 'heads', heads: [], sample: [], count: 0 });
  await peer.next('ops');
  const join = await op(device, context, heads.heads, joinBody(device, invite), Date.now());
  await peer.send({ kind: 'ops', ops: [encodeOp(join)] });
  return join;
}

/**
 * The attacker gets an invite for `role` from A and joins by hand. Returns its raw link to
 * A, admitted as a member.
 */
export async function becomeMember(w: AttackWorld, role: Role, options: { maxUses?: number } = {}): Promise<RawPeer & { invite: Invite }> {
  const invite = parseInviteLink(await w.a.contexts.open(w.id).invite({ role, ...options }));
  const toA = (await w.attack(w.x.device, { credential: { kind: 'invite', invite } })).get('A')!;
  const join = await joinByHand(toA, invite, w.contextId, w.x.device);
  const start = Date.now();
  while (!(await w.a.contexts.open(w.id).view()).members.some((m) => m.root === w.x.rootId)) {
    if (Date.now() - start > 10_000) throw new Error(`the attacker's join ${idKey(join.id).slice(0, 8)} was not taken`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Object.assign(toA, { invite });
}
