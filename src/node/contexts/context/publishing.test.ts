import { describe, expect, test } from 'vitest';
import { createReplica } from '../../../core/context/replica.ts';
import { genesis, person, recordingSink, T0 } from '../../../core/context/testkit.ts';
import { idKey } from '../../../core/ops/op.ts';
import type { ContextSync } from '../../../core/sync/contextSync.ts';
import { createPublisher } from './publishing.ts';

describe('createPublisher', () => {
  test('an op given where to sign (a repair planned on earlier heads) is signed on those parents at that time, not on the heads now', async () => {
    const a = await person('A', 1);
    const g = await genesis(a);
    const replica = createReplica(g.id, recordingSink());
    await replica.receive([g]);
    const sync = { publish: (ops) => replica.receive(ops) } as Pick<ContextSync, 'publish'> as ContextSync;
    const publish = createPublisher({ signer: a.device.signer, contextId: g.id, replica, sync, now: () => T0 + 9000, onChange: () => undefined });
    const moved = await publish({ kind: 'set-app', appId: new Uint8Array(32).fill(1) });
    expect(moved).toMatchObject({ valid: true });
    const planned = await publish({ kind: 'set-app', appId: new Uint8Array(32).fill(2) }, { parents: [g.id], time: T0 + 2000 });
    const op = replica.dag.get(planned.key)!.op;
    expect(op.parents.map(idKey)).toEqual([idKey(g.id)]);
    expect(op.time).toBe(T0 + 2000);
    // Without `at`: the heads, now.
    const plain = replica.dag.get((await publish({ kind: 'set-app', appId: new Uint8Array(32).fill(3) })).key)!.op;
    expect(plain.parents.map(idKey).sort()).toEqual([moved.key, planned.key].sort());
    expect(plain.time).toBe(T0 + 9000);
  });
});
