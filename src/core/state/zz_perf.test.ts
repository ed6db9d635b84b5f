import { test } from 'vitest';
import * as Y from 'yjs';
import { kvWriter } from './kvWriter.ts';
import { createContextState } from './materialize.ts';
import { createContextState as oldState } from './zz_oldmat.ts';
test('perf', () => {
  const docs = [1, 2, 3].map(() => new Y.Doc());
  const all: Uint8Array[] = [];
  for (let i = 0; i < 6000; i++) {
    const c = i % 3; const d = docs[c]!;
    const u = kvWriter.write(d, { method: 'set', args: { key: 'k' + (i % 2000), value: i } }, 100 + c);
    for (const dd of docs) Y.applyUpdate(dd, u);
    all.push(u);
  }
  const rev = [...all].reverse();
  for (let round = 0; round < 2; round++)
  for (const [impl, make] of [['old', oldState], ['new', createContextState]] as const)
  for (const [name, list] of [['in order', all], ...(impl === 'new' ? [['reversed', rev]] as const : [])] as const) {
    let best = Infinity;
    for (let r = 0; r < 7; r++) {
      const t = performance.now();
      const s = make();
      list.forEach((u, i) => s.apply(String(i), u));
      s.root();
      best = Math.min(best, performance.now() - t);
    }
    console.log(impl, name, best.toFixed(1), 'ms for', list.length);
  }
}, 120_000);
