import { afterEach, expect, test } from 'vitest';
import type { Link } from '../../core/mesh/Link.ts';
import { linkContract } from '../../core/mesh/linkContract.ts';
import type { BroadcastMesh } from './broadcastMesh.ts';
import { openBroadcastMesh } from './broadcastMesh.ts';

// Two BroadcastChannel objects with one name in one page deliver to each other, so
// several meshes in this page behave like several tabs.
const meshes: BroadcastMesh[] = [];
afterEach(() => meshes.splice(0).forEach((m) => m.close()));

let channels = 0;
const freshChannel = (): string => `bc-test-${Date.now()}-${++channels}`;

interface Opened {
  mesh: BroadcastMesh;
  /** The next link to `remoteId`. */
  linkTo(remoteId: string): Promise<Link>;
}

function open(channelName: string, selfId: string): Opened {
  const arrived = new Map<string, Link[]>();
  const waiting = new Map<string, (link: Link) => void>();
  const mesh = openBroadcastMesh({
    channelName,
    selfId,
    onLink(link, remoteId) {
      const waiter = waiting.get(remoteId);
      waiting.delete(remoteId);
      if (waiter) waiter(link);
      else arrived.set(remoteId, [...(arrived.get(remoteId) ?? []), link]);
    },
  });
  meshes.push(mesh);
  return {
    mesh,
    linkTo: (remoteId) =>
      new Promise((resolve) => {
        const ready = arrived.get(remoteId)?.shift();
        if (ready) resolve(ready);
        else waiting.set(remoteId, resolve);
      }),
  };
}

linkContract('BroadcastChannel mesh', async () => {
  const channel = freshChannel();
  const one = open(channel, 'one');
  const two = open(channel, 'two');
  return Promise.all([one.linkTo('two'), two.linkTo('one')]);
});

test('a third tab gets links to both others', async () => {
  const channel = freshChannel();
  const one = open(channel, 'one');
  const two = open(channel, 'two');
  await Promise.all([one.linkTo('two'), two.linkTo('one')]);
  const three = open(channel, 'three');
  const [toOne, toTwo, oneToThree] = await Promise.all([three.linkTo('one'), three.linkTo('two'), one.linkTo('three'), two.linkTo('three')]);
  expect(three.mesh.peerIds().sort()).toEqual(['one', 'two']);
  expect(one.mesh.peerIds().sort()).toEqual(['three', 'two']);
  expect(toOne.remoteHint).toBe('one');
  // Point to point: what three sends to one reaches one only.
  const got = new Promise<Uint8Array>((resolve) => oneToThree!.onMessage(resolve));
  await toOne.send(Uint8Array.of(1));
  await toTwo.send(Uint8Array.of(2));
  expect(await got).toEqual(Uint8Array.of(1));
});

test('closing a mesh closes its links on the other tabs, with the reason', async () => {
  const channel = freshChannel();
  const one = open(channel, 'one');
  const two = open(channel, 'two');
  const [linkOnOne, linkOnTwo] = await Promise.all([one.linkTo('two'), two.linkTo('one')]);
  const got: number[] = [];
  linkOnTwo.onMessage((m) => got.push(m[0]!));
  const reason = new Promise<string>((resolve) => linkOnTwo.onClose(resolve));
  for (let i = 0; i < 3; i++) await linkOnOne.send(Uint8Array.of(i));
  one.mesh.close();
  expect(await reason).toBe('closed by the other side: mesh closed');
  expect(got).toEqual([0, 1, 2]);
  expect(two.mesh.peerIds()).toEqual([]);
});

test('a tab that restarts its mesh replaces its old link', async () => {
  const channel = freshChannel();
  const one = open(channel, 'one');
  const two = open(channel, 'two');
  const [, first] = await Promise.all([one.linkTo('two'), two.linkTo('one')]);
  const replaced = new Promise<string>((resolve) => first.onClose(resolve));
  // A new run of "one" without the old one closing (as after a crash and reload).
  const again = open(channel, 'one');
  const [second, oneAgainLink] = await Promise.all([two.linkTo('one'), again.linkTo('two')]);
  expect(await replaced).toBe('the other tab restarted its mesh');
  const got = new Promise<Uint8Array>((resolve) => oneAgainLink.onMessage(resolve));
  await second.send(Uint8Array.of(5));
  expect(await got).toEqual(Uint8Array.of(5));
});

test('a tab that dies without saying bye is noticed through Web Locks', async () => {
  const channel = freshChannel();
  const one = open(channel, 'one');
  const worker = new Worker(new URL('./meshWorker.fixture.ts', import.meta.url), { type: 'module' });
  try {
    const linkedByWorker = new Promise((resolve) => worker.addEventListener('message', resolve, { once: true }));
    worker.postMessage({ channelName: channel, selfId: 'worker' });
    const link = await one.linkTo('worker');
    await linkedByWorker;
    const echoed = new Promise<Uint8Array>((resolve) => link.onMessage(resolve));
    await link.send(Uint8Array.of(42));
    expect(await echoed).toEqual(Uint8Array.of(42));
    const reason = new Promise<string>((resolve) => link.onClose(resolve));
    worker.terminate();
    expect(await reason).toBe('the other tab is gone');
  } finally {
    worker.terminate();
  }
});

test('posts that are not the mesh protocol are ignored', async () => {
  const channel = freshChannel();
  const one = open(channel, 'one');
  const two = open(channel, 'two');
  const [toTwo, toOne] = await Promise.all([one.linkTo('two'), two.linkTo('one')]);
  const stranger = new BroadcastChannel(channel);
  stranger.postMessage('hello');
  stranger.postMessage(null);
  stranger.postMessage({ t: 'msg', from: 'two', fs: 'forged', to: 'one', ts: 'nope', data: Uint8Array.of(6) });
  stranger.close();
  const got = new Promise<Uint8Array>((resolve) => toTwo.onMessage(resolve));
  await toOne.send(Uint8Array.of(7));
  expect(await got).toEqual(Uint8Array.of(7));
});
