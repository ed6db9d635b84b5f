import { expect, test } from 'vitest';
import { createReplica } from '../context/replica.ts';
import { genesis, invite, joinBody, op, person, recordingSink } from '../context/testkit.ts';
import { sha256, toHex } from '../crypto/index.ts';
import { memoryLinkPair } from '../mesh/memoryLink.ts';
import type { Scheduler } from '../mesh/Scheduler.ts';
import { createContextSync } from './contextSync.ts';

const realTime: Scheduler = { now: () => Date.now(), schedule: (ms, fn) => clearTimeout.bind(null, setTimeout(fn, ms)) };

async function pair(serve: (hash: string) => Uint8Array | undefined) {
  const [a, b] = await Promise.all([person('A', 301), person('B', 302)]);
  const g = await genesis(a);
  const join = await op(b.device, g.id, [g], joinBody(b.device, await invite(a.device, g.id)));
  const stored = new Map<string, Uint8Array>();
  const make = (who: typeof a, apps: { get(h: string): Promise<Uint8Array | undefined>; put(h: string, x: Uint8Array): Promise<void> }) =>
    createContextSync({
      replica: createReplica(g.id, recordingSink()),
      identity: { signer: who.device.signer, delegation: who.device.delegation, credential: () => ({ kind: 'member' }) },
      scheduler: realTime,
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
      now: () => Date.now(),
      persist: async () => {},
      antiEntropyMs: 200,
      apps,
    });
  const syncA = make(a, { get: async (h) => serve(h), put: async () => {} });
  const syncB = make(b, { get: async (h) => stored.get(h), put: async (h, x) => void stored.set(h, x) });
  await syncA.publish([g, join]);
  const link = memoryLinkPair({ scheduler: realTime });
  syncA.addLink(link.a);
  syncB.addLink(link.b);
  return { syncA, syncB, stored };
}

test('an app binary is fetched from a peer by hash and stored', async () => {
  const app = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 42]);
  const hash = toHex(sha256(app));
  const { syncA, syncB, stored } = await pair((h) => (h === hash ? app : undefined));
  expect(await syncB.fetchApp(hash)).toEqual(app);
  expect(stored.get(hash)).toEqual(app);
  syncA.stop();
  syncB.stop();
});

test('a binary that does not hash to what was asked is ignored', async () => {
  const hash = toHex(sha256(new Uint8Array([1])));
  const { syncA, syncB, stored } = await pair(() => new Uint8Array([2]));
  const got = await Promise.race([syncB.fetchApp(hash), new Promise((r) => setTimeout(() => r('nothing'), 800))]);
  expect(got).toBe('nothing');
  expect(stored.size).toBe(0);
  syncA.stop();
  syncB.stop();
});
