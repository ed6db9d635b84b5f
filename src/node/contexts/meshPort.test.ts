import { expect, test } from 'vitest';
import { meshWithin, type MeshPort } from './meshPort.ts';

test('the mesh dials only the signaling servers the policy allows, and all of them if it allows none', () => {
  const dialled: string[][] = [];
  const mesh: MeshPort = { join: (o) => (dialled.push(o.signalingUrls), { leave() {} }) };
  const within = meshWithin(mesh, (url) => url.startsWith('ws://here'));
  const join = (signalingUrls: string[]) => within.join({ room: 'r', password: 'p', signalingUrls, iceServers: [], onLink() {} });
  join(['ws://elsewhere/signal', 'ws://here/signal']);
  join(['ws://elsewhere/signal']);
  expect(dialled).toEqual([['ws://here/signal'], ['ws://elsewhere/signal']]);
});
