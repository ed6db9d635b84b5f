import { afterEach, describe, expect, test } from 'vitest';
import { phraseFromEntropy } from '../core/identity/index.ts';
import type { MemoryLinkFaults } from '../core/mesh/memoryLink.ts';
import type { MeshPort } from './contexts/meshPort.ts';
import { memoryMeshHub } from './contexts/memoryMesh.ts';
import type { TabnodeNode } from './createNode.ts';
import { realTimeScheduler } from './scheduler.ts';
import { bareTestNode, testNode, until } from './testing.ts';
import { memoryStore } from '../core/store/index.ts';

/**
 * The membership directory across nodes in one process: a person's new device (same root,
 * empty storage) gets back every context the root is a member of, from whoever is online.
 */
const nodes: TabnodeNode[] = [];
const track = (n: TabnodeNode) => (nodes.push(n), n);

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

type Hub = ReturnType<typeof memoryMeshHub>;

/** A node on a fresh profile, signed in with `phrase` (the same phrase gives the same root). */
async function deviceOf(hub: Hub, name: string, phrase: string): Promise<TabnodeNode> {
  const node = await bareTestNode(hub, name);
  await node.identity.useLocalRoot(phrase, name);
  return track(node);
}

const newPhrase = () => phraseFromEntropy(crypto.getRandomValues(new Uint8Array(16)));

/**
 * A hub whose links get `faults` from the moment they exist (before their first message):
 * a pair is made just before its ends are handed out, so it is the newest one then.
 */
function lossyHub(hub: Hub) {
  let faults: MemoryLinkFaults = {};
  let seen = 0;
  const catchUp = () => {
    for (; seen < hub.pairs.length; seen++) hub.pairs[seen]!.setFaults(faults);
  };
  return {
    pairs: hub.pairs,
    port(name: string): MeshPort {
      const port = hub.port(name);
      return { join: (o) => port.join({ ...o, onLink: (link) => (catchUp(), o.onLink(link)) }) };
    },
    setFaults(next: MemoryLinkFaults) {
      faults = next;
      for (const p of hub.pairs) p.setFaults(next);
    },
  };
}

/** Settled in a context: listed, not joining, and its own key registered by a valid add-device. */
async function settledIn(node: TabnodeNode, id: string, label: string): Promise<boolean> {
  const list = await node.contexts.list();
  if (!list.some((c) => c.id === id && !c.joining)) return false;
  const audit = await node.contexts.open(id).audit();
  return audit.some((e) => e.kind === 'add-device' && e.valid && e.device === label);
}

async function setUp(hub: Hub) {
  const phrase = newPhrase();
  const a = await deviceOf(hub, 'A', phrase);
  const b = track(await testNode(hub, 'B'));
  const team = await a.contexts.create('Team');
  const notes = await a.contexts.create('Notes');
  await a.contexts.open(team).write({ method: 'set', args: { key: 'from-a', value: 1 } });
  await a.contexts.open(notes).write({ method: 'set', args: { key: 'private', value: 'mine' } });
  await b.contexts.join(await a.contexts.open(team).invite({ role: 'writer' }));
  await until('B joined Team', async () => (await b.contexts.list()).some((c) => c.id === team && !c.joining));
  return { phrase, a, b, team, notes, root: (await a.identity.status()).root!.id };
}

describe('membership directory across nodes', () => {
  test('a new device of a root gets back every context of the root, adds its key, and writes', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const { phrase, a, b, team, notes, root } = await setUp(hub);

    const a2 = await deviceOf(hub, 'A2', phrase);
    expect((await a2.identity.status()).root!.id).toBe(root);
    for (const id of [team, notes]) await until(`A2 settled in ${id.slice(0, 8)}`, () => settledIn(a2, id, 'A2'), 20_000);
    expect((await a2.contexts.list()).map((c) => c.name).sort()).toEqual(['Notes', 'Team']);
    expect((await a2.contexts.open(notes).view()).kv).toEqual([['private', 'mine']]);

    expect(await a2.contexts.open(team).write({ method: 'set', args: { key: 'from-a2', value: 2 } })).toMatchObject({ valid: true });
    for (const n of [a, b]) {
      await until('A2’s write everywhere', async () => (await n.contexts.open(team).view()).kv.some(([k]) => k === 'from-a2'));
    }
    // In each directory room only devices of that room's root asked (A2 in R's, B in its own).
    const rooms = a.directory.status().rooms;
    for (const r of rooms) for (const p of r.peers) if (p.askedBy) expect(p.askedBy.root).toBe(r.root);
    expect(rooms.find((r) => r.own)!.peers.some((p) => p.askedBy?.label === 'A2')).toBe(true);
    expect(a2.directory.status().rejoined.sort()).toEqual([team, notes].sort());

    // A node of another root, in its own (empty) directory room, gets nothing.
    const c = track(await testNode(hub, 'C'));
    await new Promise((r) => setTimeout(r, 2000));
    expect(await c.contexts.list()).toEqual([]);
    expect(c.directory.status()).toMatchObject({ running: true, rejoined: [] });
    expect(c.directory.status().rooms.map((r) => r.root)).toEqual([(await c.identity.status()).root!.id]);
  }, 60_000);

  test('while the root’s other device is offline, a co-member of another root brings the new device back', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const { phrase, a, b, team, notes } = await setUp(hub);
    await a.close();
    nodes.splice(nodes.indexOf(a), 1);

    const a2 = await deviceOf(hub, 'A2', phrase);
    await until('A2 settled in Team through B', () => settledIn(a2, team, 'A2'), 20_000);
    // Notes was only on A: nobody online can tell A2 about it.
    expect((await a2.contexts.list()).map((c) => c.id)).toEqual([team]);
    expect(notes).not.toBe(team);
    expect(await a2.contexts.open(team).write({ method: 'set', args: { key: 'while-a-away', value: 3 } })).toMatchObject({ valid: true });
    await until('B has A2’s write', async () => (await b.contexts.open(team).view()).kv.some(([k]) => k === 'while-a-away'));
  }, 60_000);

  // The new device counts as settled only once the owner grants it the epoch key, so its
  // add-device must reach the owner and the grant come back, over links that drop 20% of
  // messages: only resends (sync's anti-entropy) get them through.
  test('over links that drop and delay messages the new device still gets everything', async () => {
    const hub = lossyHub(memoryMeshHub(realTimeScheduler));
    const { phrase, team, notes } = await setUp(hub);
    hub.setFaults({ drop: 0.2, delayMs: [5, 60] });
    const a2 = await deviceOf(hub, 'A2', phrase);
    for (const id of [team, notes]) await until(`A2 settled in ${id.slice(0, 8)} over lossy links`, () => settledIn(a2, id, 'A2'), 45_000);
  }, 90_000);

  test('a context forgotten on one device stays forgotten there while the root’s other device names it; an invite brings it back', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const { phrase, a, team, notes } = await setUp(hub);
    const store = memoryStore();
    const first = track(await bareTestNode(hub, 'A2', { store }));
    await first.identity.useLocalRoot(phrase, 'A2');
    for (const id of [team, notes]) await until(`A2 settled in ${id.slice(0, 8)}`, () => settledIn(first, id, 'A2'), 20_000);
    await first.contexts.forget(notes);
    await first.close();
    nodes.splice(nodes.indexOf(first), 1);

    // A2 again (a reload): A, same root and still holding Notes, answers its directory naming
    // Notes and a new context. A2 takes the new one and keeps Notes forgotten.
    const a2 = track(await bareTestNode(hub, 'A2', { store }));
    const later = await a.contexts.create('Later');
    await until('A2 settled in Later', () => settledIn(a2, later, 'A2'), 20_000);
    expect((await a2.contexts.list()).map((c) => c.id).sort()).toEqual([team, later].sort());
    expect(await a2.contexts.forgotten()).toEqual([notes]);

    await a2.contexts.join(await a.contexts.open(notes).invite({ role: 'writer' }));
    expect(await a2.contexts.forgotten()).toEqual([]);
    await until('A2 holds Notes again', async () => (await a2.contexts.list()).some((c) => c.id === notes && !c.joining), 20_000);
  }, 60_000);

  test('a context created later on one device reaches the other device while both are online', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const phrase = newPhrase();
    const a = await deviceOf(hub, 'A', phrase);
    const a2 = await deviceOf(hub, 'A2', phrase);
    const later = await a.contexts.create('Later');
    await until('A2 settled in the new context', () => settledIn(a2, later, 'A2'), 20_000);
  }, 60_000);
});
