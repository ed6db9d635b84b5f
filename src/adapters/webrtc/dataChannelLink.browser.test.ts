import { afterEach, expect, test } from 'vitest';
import type { Link } from '../../core/mesh/Link.ts';
import { linkContract } from '../../core/mesh/linkContract.ts';
import { openDataChannelLink } from './dataChannelLink.ts';

// Two RTCPeerConnections in this page, each with the same negotiated channel, talking
// over loopback with no ICE servers.
const connections: RTCPeerConnection[] = [];
afterEach(() => connections.splice(0).forEach((pc) => pc.close()));

async function connect(pc1: RTCPeerConnection, pc2: RTCPeerConnection): Promise<void> {
  // Without trickle ICE: each SDP carries all its candidates once gathering completes.
  const gathered = (pc: RTCPeerConnection) =>
    new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    });
  await pc1.setLocalDescription(await pc1.createOffer());
  await gathered(pc1);
  await pc2.setRemoteDescription(pc1.localDescription!);
  await pc2.setLocalDescription(await pc2.createAnswer());
  await gathered(pc2);
  await pc1.setRemoteDescription(pc2.localDescription!);
}

function peers(): [RTCPeerConnection, RTCPeerConnection] {
  const pair: [RTCPeerConnection, RTCPeerConnection] = [new RTCPeerConnection({ iceServers: [] }), new RTCPeerConnection({ iceServers: [] })];
  connections.push(...pair);
  return pair;
}

const negotiated = (pc: RTCPeerConnection): RTCDataChannel => pc.createDataChannel('tabnode', { negotiated: true, id: 7 });

linkContract('RTCDataChannel (negotiated)', async () => {
  const [pc1, pc2] = peers();
  const c1 = negotiated(pc1);
  const c2 = negotiated(pc2);
  await connect(pc1, pc2);
  return Promise.all([openDataChannelLink(c1, { peerConnection: pc1 }), openDataChannelLink(c2, { peerConnection: pc2 })]);
});

const closeReason = (link: Link): Promise<string> => new Promise((resolve) => link.onClose(resolve));
const frame = (...bytes: number[]): Uint8Array<ArrayBuffer> => Uint8Array.from(bytes);

/** pc1 gets a Link; pc2 keeps a raw channel to speak bad frames. */
async function linkAndRawChannel(): Promise<{ link: Link; raw: RTCDataChannel; rawFrames: Uint8Array[] }> {
  const [pc1, pc2] = peers();
  const c1 = negotiated(pc1);
  const raw = negotiated(pc2);
  raw.binaryType = 'arraybuffer';
  const rawFrames: Uint8Array[] = [];
  raw.onmessage = (e: MessageEvent<ArrayBuffer>) => rawFrames.push(new Uint8Array(e.data));
  await connect(pc1, pc2);
  const link = openDataChannelLink(c1, { peerConnection: pc1 });
  await new Promise((resolve) => (raw.readyState === 'open' ? resolve(null) : (raw.onopen = resolve)));
  raw.send(frame(4, 1));
  return { link: await link, raw, rawFrames };
}

test('a channel created late on one side still opens: READY is repeated once heard', async () => {
  const [pc1, pc2] = peers();
  const c1 = negotiated(pc1);
  // pc2 needs some channel for the offer to have a data section; its twin comes later.
  pc2.createDataChannel('other', { negotiated: true, id: 3 });
  pc1.createDataChannel('other', { negotiated: true, id: 3 });
  await connect(pc1, pc2);
  const first = openDataChannelLink(c1, { peerConnection: pc1 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const second = await openDataChannelLink(negotiated(pc2), { peerConnection: pc2 });
  const link1 = await first;
  const got = new Promise<Uint8Array>((resolve) => second.onMessage(resolve));
  await link1.send(frame(1, 2, 3));
  expect(await got).toEqual(frame(1, 2, 3));
});

test('a malformed frame closes the link with a clear reason, told to the other side', async () => {
  const { link, raw, rawFrames } = await linkAndRawChannel();
  const reason = closeReason(link);
  raw.send(frame(9, 9));
  expect(await reason).toBe('frame error: unknown frame type 9');
  await expect.poll(() => rawFrames.some((f) => f[0] === 3 && new TextDecoder().decode(f.subarray(1)).includes('unknown frame type'))).toBe(true);
});

test('a message announced over the limit is refused before anything is allocated', async () => {
  const { link, raw } = await linkAndRawChannel();
  const reason = closeReason(link);
  raw.send(frame(1, 0xff, 0xff, 0xff, 0xff));
  expect(await reason).toMatch(/protocol error: announced message of 4294967295 bytes is over the limit of 4194304/);
});

test('text frames and data before READY are protocol errors', async () => {
  const { link, raw } = await linkAndRawChannel();
  const reason = closeReason(link);
  raw.send('hello');
  expect(await reason).toMatch(/protocol error: a text frame/);
});

test('the other peer connection closing closes the link', async () => {
  const [pc1, pc2] = peers();
  const c1 = negotiated(pc1);
  const c2 = negotiated(pc2);
  await connect(pc1, pc2);
  const [link1] = await Promise.all([openDataChannelLink(c1, { peerConnection: pc1 }), openDataChannelLink(c2, { peerConnection: pc2 })]);
  const reason = closeReason(link1);
  pc2.close();
  expect(await reason).toMatch(/data channel (closed|error)|peer connection/);
  await expect(link1.send(frame(1))).rejects.toThrow(/closed/);
});

test('a channel that closes before opening rejects the open', async () => {
  const [pc1] = peers();
  const c1 = negotiated(pc1);
  const opening = openDataChannelLink(c1, { peerConnection: pc1 });
  c1.close();
  await expect(opening).rejects.toThrow(/did not open/);
});

test('READY or open handled while the channel is already closing: the link closes, nothing throws (issue 10)', async () => {
  const [pc1, pc2] = peers();
  const c1 = negotiated(pc1);
  negotiated(pc2); // a twin that never answers READY
  await connect(pc1, pc2);
  const opening = openDataChannelLink(c1, { peerConnection: pc1 });
  await new Promise((resolve) => (c1.readyState === 'open' ? resolve(null) : c1.addEventListener('open', resolve)));
  c1.close();
  expect(c1.readyState).toBe('closing');
  // Events already queued when the channel started closing still reach the link's
  // listeners: a send from them would throw InvalidStateError as an uncaught page error.
  c1.dispatchEvent(new Event('open'));
  c1.dispatchEvent(new MessageEvent('message', { data: frame(4, 1).buffer }));
  await expect(opening).rejects.toThrow(/did not open: data channel closed/);
});
