// A member who posts a rotation nobody can open (review C2): honest members rotate anyway
// after a bounded, randomised wait, and write and read each other again.
import { describe, expect, test } from 'vitest';
import { toHex } from '../../core/crypto/index.ts';
import { rotationBody } from '../../core/epochs/boxes.ts';
import { op } from '../../core/context/testkit.ts';
import { parseInviteLink } from '../../core/invitation/index.ts';
import { decodeOp, encodeOp, idKey, type Op } from '../../core/ops/op.ts';
import { EPOCH_TIMINGS } from '../contexts/context/epochKeys.ts';
import { until } from '../testing.ts';
import { joinByHand } from './tactics.ts';
import { attackWorld, stagedPerTest } from './world.ts';

const staged = stagedPerTest();
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

describe('epoch keys under attack', () => {
  test('a member’s rotation with garbage boxes does not stop writes for good: members recover and read each other', async () => {
    const w = staged(await attackWorld());
    const invite = parseInviteLink(await w.a.contexts.open(w.id).invite({ role: 'writer' }));
    const toA = (await w.attack(w.x.device, { credential: { kind: 'invite', invite } })).get('A')!;
    const join = await joinByHand(toA, invite, w.contextId, w.x.device);
    await until('A counts X as a member', async () => (await w.a.contexts.open(w.id).view()).members.some((m) => m.root === w.x.rootId));
    // The members' box keys, from the history A sent.
    const history: Op[] = toA.received.flatMap((m) => (m?.kind === 'ops' ? m.ops.map((b) => decodeOp(b)) : []));
    const boxKeys = [...new Set(history.flatMap((o) => ((o.body.kind === 'genesis' || o.body.kind === 'join') && o.body.boxKey ? [toHex(o.body.boxKey)] : [])))].sort();
    expect(boxKeys).toHaveLength(2);
    // Well-formed boxes to both members whose sealed bytes are random: valid by the rules, opened by nobody.
    const body = await rotationBody(w.contextId, 1, random(32), random(24), boxKeys, []);
    if (body.kind !== 'rotate-epoch') throw new Error('unreachable');
    const garbage = { ...body, boxes: body.boxes.map((b) => ({ to: b.to, box: { enc: b.box.enc, sealed: random(b.box.sealed.length) } })) };
    const rotation = await op(w.x.device, w.contextId, [join], garbage, Date.now());
    await toA.send({ kind: 'ops', ops: [encodeOp(rotation)] });
    await until('A takes the rotation as valid', async () => (await w.a.contexts.open(w.id).audit()).some((e) => e.key === idKey(rotation.id) && e.valid));

    const wait = EPOCH_TIMINGS.recoverAfterMs[1] + EPOCH_TIMINGS.waitForKeyMs + 15_000;
    const writes = async (node: typeof w.a, key: string) =>
      until(`${key} is written`, async () => (await node.contexts.open(w.id).write({ method: 'set', args: { key, value: 1 } }).catch(() => undefined))?.valid, wait, 500);
    await Promise.all([writes(w.a, 'from-a'), writes(w.b, 'from-b')]);
    for (const node of [w.a, w.b]) {
      await until('each reads the other', async () => {
        const kv = (await node.contexts.open(w.id).view()).kv.map(([k]) => k);
        return kv.includes('from-a') && kv.includes('from-b');
      }, 15_000);
    }
    // Recovered by a rotation of an honest member, not by X.
    const rotations = (await w.a.contexts.open(w.id).audit()).filter((e) => e.kind === 'rotate-epoch' && e.valid);
    expect(rotations.length).toBeGreaterThanOrEqual(2);
    expect(rotations.length).toBeLessThanOrEqual(3);
  }, 120_000);
});
