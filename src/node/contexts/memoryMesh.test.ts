import { expect, test } from 'vitest';
import type { Link } from '../../core/mesh/Link.ts';
import { simScheduler } from '../../core/mesh/simScheduler.ts';
import { memoryMeshHub } from './memoryMesh.ts';

test('each link of the hub loses its own messages: faults are independent across links', async () => {
  const scheduler = simScheduler();
  const hub = memoryMeshHub(scheduler);
  const received = new Map<string, number[]>();
  const listen = (name: string) => (link: Link) => {
    link.onMessage((m) => received.set(`${name}:${link.id}`, [...(received.get(`${name}:${link.id}`) ?? []), m[0]!]));
  };
  const senders: Link[] = [];
  hub.port('hub').join({ room: 'r', password: '', signalingUrls: [], iceServers: [], onLink: (l) => senders.push(l) });
  for (const name of ['x', 'y', 'z']) hub.port(name).join({ room: 'r', password: '', signalingUrls: [], iceServers: [], onLink: listen(name) });
  for (const p of hub.pairs) p.setFaults({ drop: 0.5 });
  for (let i = 0; i < 64; i++) for (const l of senders) await l.send(new Uint8Array([i]));
  scheduler.runUntilIdle();
  const kept = [...received.values()].map((ms) => ms.join());
  expect(kept).toHaveLength(3);
  // One shared random stream would drop the same messages on every link.
  expect(new Set(kept).size).toBe(3);
});
