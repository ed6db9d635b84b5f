import { describe, expect, it } from 'vitest';
import { createReplica } from '../../core/context/replica.ts';
import { genesis, invite, person, recordingSink, T0 } from '../../core/context/testkit.ts';
import { inviteCodec } from '../../core/invitation/index.ts';
import type { Op } from '../../core/ops/op.ts';
import { memoryStore } from '../../core/store/index.ts';
import { toHex } from '../../core/crypto/index.ts';
import { testBoxKey } from '../../core/epochs/testkit.ts';
import { membershipTasks } from './membership.ts';

describe('membershipTasks', () => {
  it('joins once when many sync events ask at the same time (a second join would exhaust the invite)', async () => {
    const owner = await person('owner', 1);
    const joiner = await person('joiner', 2);
    const g = await genesis(owner);
    const replica = createReplica(g.id, recordingSink());
    await replica.receive([g]);
    const inv = await invite(owner.device, g.id);
    const published: Op[] = [];
    const tasks = membershipTasks({
      record: { id: toHex(g.id), name: 'Test context', secret: new Uint8Array(32), signaling: [], invite: inviteCodec.encode(inv), createdAt: T0 },
      store: memoryStore(),
      identity: { root: joiner.rootId, signer: joiner.device.signer, delegation: joiner.device.delegation },
      replica,
      contextId: g.id,
      proofs: {},
      now: () => T0 + 1000,
      isClosed: () => false,
      parents: () => replica.parents(),
      boxKey: testBoxKey,
      publish: () => Promise.reject(new Error('not used by a join')),
      async publishSigned(op) {
        published.push(op);
        // Publishing waits for storage: other attempts start meanwhile.
        await new Promise((r) => setTimeout(r, 5));
        return replica.receive([op]);
      },
      alert: () => undefined,
      onChange: () => undefined,
    });
    await Promise.all([tasks.tryJoin(), tasks.tryJoin(), tasks.tryJoin()]);
    expect(published.map((op) => op.body.kind)).toEqual(['join']);
    expect(replica.governance().members.has(joiner.rootId)).toBe(true);
    expect(tasks.problem()).toBeUndefined();
  });
});
