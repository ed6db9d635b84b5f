import { describe, expect, test } from 'vitest';
import { createReplica } from '../context/replica.ts';
import { genesis, invite, joinBody, op, person, recordingSink } from '../context/testkit.ts';
import { toHex } from '../crypto/index.ts';
import { decodeOp, encodeOp, idKey, type Op } from '../ops/op.ts';

const key = (o: Op) => idKey(o.id);
const APP_B = new Uint8Array(32).fill(0xb2);

/** Owner A; admin M; writer W. */
async function world() {
  const [a, m, w] = await Promise.all([person('A', 71), person('M', 72), person('W', 73)]);
  const g = await genesis(a);
  const joinM = await op(m.device, g.id, [g], joinBody(m.device, await invite(a.device, g.id, { role: 'admin', nonce: 1 })));
  const joinW = await op(w.device, g.id, [joinM], joinBody(w.device, await invite(a.device, g.id, { role: 'writer', nonce: 2 })));
  const replica = createReplica(g.id, recordingSink());
  await replica.receive([g, joinM, joinW]);
  return { a, m, w, g, joinW, replica };
}

describe('set-app: admins switch the context’s app', () => {
  test('an admin changes the app; every member’s governance then names the new one', async () => {
    const x = await world();
    const before = toHex(x.replica.governance().appId);
    const change = await op(x.m.device, x.g.id, [x.joinW], { kind: 'set-app', appId: APP_B });
    await x.replica.receive([change]);
    expect(x.replica.verdict(key(change))).toMatchObject({ valid: true });
    expect(toHex(x.replica.governance().appId)).toBe(toHex(APP_B));
    expect(before).not.toBe(toHex(APP_B));
    // It travels like any op: one canonical encoding.
    expect(decodeOp(encodeOp(change)).body).toEqual({ kind: 'set-app', appId: APP_B });
  });

  test('a writer cannot change the app', async () => {
    const x = await world();
    const change = await op(x.w.device, x.g.id, [x.joinW], { kind: 'set-app', appId: APP_B });
    await x.replica.receive([change]);
    expect(x.replica.verdict(key(change))).toMatchObject({ valid: false, reason: 'insufficient-role' });
    expect(toHex(x.replica.governance().appId)).not.toBe(toHex(APP_B));
  });

  test('switching to the app already running is refused: it would change nothing', async () => {
    const x = await world();
    const same = await op(x.a.device, x.g.id, [x.joinW], { kind: 'set-app', appId: x.replica.governance().appId });
    await x.replica.receive([same]);
    expect(x.replica.verdict(key(same))).toMatchObject({ valid: false, reason: 'same-app' });
  });

  test('an admin demoted concurrently loses its app change', async () => {
    const x = await world();
    const change = await op(x.m.device, x.g.id, [x.joinW], { kind: 'set-app', appId: APP_B });
    const demote = await op(x.a.device, x.g.id, [x.joinW], { kind: 'set-role', member: x.m.rootId, role: 'writer' });
    await x.replica.receive([change, demote]);
    expect(x.replica.verdict(key(change))).toMatchObject({ valid: false });
    expect(toHex(x.replica.governance().appId)).not.toBe(toHex(APP_B));
  });
});
