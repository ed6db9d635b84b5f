// What attackers do in the attack tests, each as one small function.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { idKey } from '../../core/ops/op.ts';
import { joinBody, op, person, type Device } from '../../core/context/testkit.ts';
import { encodeOp, type OpBody } from '../../core/ops/op.ts';
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
 * The attacker gets an invite for `role` from A and joins by hand: shows the invite, takes
 * the history A sends, signs its join op on A's heads. Returns its raw link to A, admitted.
 */
export async function becomeMember(w: AttackWorld, role: Role, options: { maxUses?: number } = {}): Promise<RawPeer & { invite: Invite }> {
  const invite = parseInviteLink(await w.a.contexts.invite(w.id, { role, ...options }));
  const toA = (await w.attack(w.x.device, { credential: { kind: 'invite', invite } })).get('A')!;
  const heads = await toA.next('heads');
  await toA.send({ kind: 'heads', heads: [], sample: [], count: 0 });
  await toA.next('ops');
  const join = await op(w.x.device, w.contextId, heads.heads, joinBody(w.x.device, invite), Date.now());
  await toA.send({ kind: 'ops', ops: [encodeOp(join)] });
  const start = Date.now();
  while (!(await w.a.contexts.view(w.id)).members.some((m) => m.root === w.x.rootId)) {
    if (Date.now() - start > 10_000) throw new Error(`the attacker's join ${idKey(join.id).slice(0, 8)} was not taken`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Object.assign(toA, { invite });
}

let gc: (() => void) | undefined;

/** Heap and array buffers still held after a full garbage collection. */
export async function retainedBytes(): Promise<number> {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
