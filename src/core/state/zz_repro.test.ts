import { test } from 'vitest';
import * as Y from 'yjs';
import { kvWriter, readKv } from '/work/main/src/core/state/kvWriter.ts';
import { createContextState } from '/work/main/src/core/state/materialize.ts';
import { toHex } from '/work/main/src/core/crypto/index.ts';

const opKey = (n: number) => n.toString(16).padStart(64, '0');
function writer(clientID: number) {
  const doc = new Y.Doc();
  return { doc, write(key: string, value: unknown) { const u = kvWriter.write(doc, { method: 'set', args: { key, value } }, clientID); Y.applyUpdate(doc, u); return u; } };
}
function perms<T>(a: T[]): T[][] { if (a.length <= 1) return [a]; const out: T[][] = []; a.forEach((x, i) => { for (const p of perms([...a.slice(0, i), ...a.slice(i + 1)])) out.push([x, ...p]); }); return out; }

test('repro', () => {
  const w = [writer(10), writer(20)];
  const all: [string, Uint8Array][] = [];
  const steps = [[0, false], [0, true], [1, false], [0, false], [0, false], [0, false], [0, false]] as const;
  steps.forEach(([c, sync], i) => { all.push([opKey(i + 1), w[c]!.write('a', 0)]); if (sync) for (const o of w) for (const [, u] of all) Y.applyUpdate(o.doc, u); });
  for (const [k, u] of all) console.log(k.slice(-1), JSON.stringify(Y.decodeUpdate(u).structs.map(s => [s.id.client, s.id.clock, (s as any).origin])), JSON.stringify([...Y.decodeUpdate(u).ds.clients].map(([c, r]) => [c, r.map(x => [x.clock, x.len])])));
  const valid = all.filter((_, i) => [1, 2, 3, 5, 7].includes(i + 1));
  const res = new Map<string, string[]>();
  for (const p of perms(valid)) {
    const s = createContextState();
    for (const [k, u] of p) s.apply(k, u);
    const r = JSON.stringify(readKv(s.doc)) + ' stuck=' + s.stuck().map(x => x.slice(-1)).join(',') + ' root=' + toHex(s.root()).slice(0, 8);
    const l = res.get(r) ?? []; l.push(p.map(([k]) => k.slice(-1)).join('')); res.set(r, l);
  }
  for (const [r, l] of res) console.log(r, l.length, l.slice(0, 8).join(' '));
});
