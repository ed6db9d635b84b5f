import { expect, test } from 'vitest';
import { toHex } from '../crypto/index.ts';
import { createReplica } from './replica.ts';
import { deltaBody, genesis, op, person, recordingSink } from './testkit.ts';

test("the replica names each op with the sink's own key string when it has one (a loaded snapshot's: one copy per key)", async () => {
  const a = await person('A', 41);
  const g = await genesis(a);
  const d = await op(a.device, g.id, [g], deltaBody('x'));
  const asked: string[] = [];
  const lent = new Map<string, string>();
  const sink = {
    ...recordingSink(),
    sharedKey(key: string) {
      asked.push(key);
      return lent.get(key);
    },
  };
  // A string equal to the op's key, built apart from the replica's own.
  lent.set(toHex(d.id), [...toHex(d.id)].join(''));
  const replica = createReplica(g.id, sink);
  const result = await replica.receive([g, d]);
  expect(asked).toEqual([toHex(g.id), toHex(d.id)]);
  expect(result.accepted.map((c) => c.key)).toEqual([toHex(g.id), toHex(d.id)]);
  expect(replica.dag.get(toHex(d.id))?.key).toBe(lent.get(toHex(d.id)));
});
