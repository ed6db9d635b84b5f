// The stage for attack tests: owner A and writer B share a context over in-memory links;
// an attacker joins the same rendezvous room with a Link to each of them and speaks the
// sync protocol by hand (core/sync/rawPeer.testing.ts).
import { fromHex } from '../../core/crypto/index.ts';
import { rendezvous } from '../../core/context/rendezvous.ts';
import { person, type Person } from '../../core/context/testkit.ts';
import { parseInviteLink } from '../../core/invitation/index.ts';
import type { Link } from '../../core/mesh/Link.ts';
import { rawPeer, type RawPeer, type RawPeerOptions } from './rawPeer.ts';
import type { TabnodeNode } from '../createNode.ts';
import { afterEach } from 'vitest';
import { memoryMeshHub } from '../contexts/memoryMesh.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { testNode, until } from '../testing.ts';

export interface AttackWorld {
  hub: ReturnType<typeof memoryMeshHub>;
  a: TabnodeNode;
  b: TabnodeNode;
  id: string;
  contextId: Uint8Array;
  room: { room: string; password: string };
  /** An invite link A made (so its rendezvous secret), for attackers who got hold of one. */
  link: string;
  /** The attacker's identity: a fresh local root nobody invited. */
  x: Person;
  /** Join the room as `name`; one raw peer per member node (by node name), speaking as `who`. */
  attack(who: { signer: Person['device']['signer']; delegation: Uint8Array }, options?: Partial<RawPeerOptions> & { name?: string }): Promise<Map<string, RawPeer>>;
  close(): Promise<void>;
}

let attackers = 0;

/** `app`: a WASM binary A installs and runs the context on (default: the built-in key/value app). */
export async function attackWorld(options: { app?: Uint8Array } = {}): Promise<AttackWorld> {
  const hub = memoryMeshHub(realTimeScheduler);
  const a = await testNode(hub, 'A');
  const b = await testNode(hub, 'B');
  const id = await a.contexts.create('Target', options.app ? { app: await a.apps.install(options.app) } : {});
  const kv = !options.app || (await a.contexts.open(id).methods()).some((m) => m.name === 'set');
  if (kv) await a.contexts.open(id).write({ method: 'set', args: { key: 'before', value: 1 } });
  const link = await a.contexts.open(id).invite({ role: 'writer' });
  await b.contexts.join(link);
  await until('B joined', async () => !(await b.contexts.open(id).view()).joining && (await b.contexts.open(id).view()).kv.length === (kv ? 1 : 0));
  const contextId = fromHex(id);
  const room = rendezvous(contextId, parseInviteLink(link).claims.secret);
  const x = await person('X', 900 + ++attackers);
  const leaves: { leave(): void }[] = [];
  return {
    hub,
    a,
    b,
    id,
    contextId,
    room,
    link,
    x,
    async attack(who, options = {}) {
      const links: Link[] = [];
      leaves.push(hub.port(options.name ?? 'X').join({ room: room.room, password: room.password, signalingUrls: [], iceServers: [], onLink: (l) => links.push(l) }));
      const peers = new Map<string, RawPeer>();
      for (const l of links) peers.set(l.remoteHint!, rawPeer(l, { context: contextId, signer: who.signer, delegation: who.delegation, ...options }));
      return peers;
    },
    async close() {
      for (const l of leaves) l.leave();
      await Promise.all([a.close(), b.close()]);
    },
  };
}

/**
 * A test file's stage: `staged(x)` keeps a world or node and returns it; everything kept is
 * closed after each test.
 */
export function stagedPerTest(): <T extends { close(): Promise<void> }>(x: T) => T {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((x) => x.close()));
  });
  return (x) => {
    open.push(x);
    return x;
  };
}
