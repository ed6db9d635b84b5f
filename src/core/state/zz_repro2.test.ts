import { test } from 'vitest';
import * as Y from 'yjs';
import { kvWriter } from '/work/main/src/core/state/kvWriter.ts';
function writer(clientID: number) {
  const doc = new Y.Doc();
  return { doc, write(key: string, value: unknown) { const u = kvWriter.write(doc, { method: 'set', args: { key, value } }, clientID); Y.applyUpdate(doc, u); return u; } };
}
test('raw', () => {
  const a = writer(10), b = writer(20);
  const u1 = a.write('a', 1), u2 = a.write('a', 2);
  Y.applyUpdate(b.doc, u1); Y.applyUpdate(b.doc, u2);
  const u3 = b.write('a', 3); // 20:0 origin 10:1
  const u4 = a.write('a', 4); // 10:2 (invalid)
  const u5 = a.write('a', 5); // 10:3
  for (const order of [[u1, u2, u3, u5], [u3, u5, u1, u2]]) {
    const d = new Y.Doc();
    for (const u of order) { Y.applyUpdate(d, u); console.log(JSON.stringify(d.getMap('state').toJSON()), JSON.stringify([...(d.store.pendingStructs?.missing ?? [])])); }
    console.log('---');
  }
});
