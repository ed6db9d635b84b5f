import { memoryLinkPair, type MemoryLinkPair } from '../../core/mesh/memoryLink.ts';
import { seededRandom } from '../../core/mesh/seededRandom.ts';
import type { Scheduler } from '../../core/mesh/Scheduler.ts';
import type { Link } from '../../core/mesh/Link.ts';
import type { MeshPort } from './meshPort.ts';

/**
 * A mesh in one process for node-level tests: every port that joins a room gets a memory
 * link to every other port in it. `pairs` exposes the links for fault injection.
 */
export function memoryMeshHub(scheduler: Scheduler) {
  const rooms = new Map<string, Set<{ name: string; onLink(link: Link): void; links: Set<MemoryLinkPair> }>>();
  const pairs: MemoryLinkPair[] = [];
  return {
    pairs,
    port(name: string): MeshPort {
      return {
        join({ room, onLink }) {
          let members = rooms.get(room);
          if (!members) rooms.set(room, (members = new Set()));
          const me = { name, onLink, links: new Set<MemoryLinkPair>() };
          for (const other of members) {
            // Each link its own (reproducible) random stream: with one shared seed every link
            // would drop the same messages in the same places, and losses would be correlated.
            const pair = memoryLinkPair({ scheduler, names: [other.name, name], random: seededRandom(pairs.length + 1) });
            pairs.push(pair);
            other.links.add(pair);
            me.links.add(pair);
            other.onLink(pair.a);
            onLink(pair.b);
          }
          members.add(me);
          return {
            leave() {
              members.delete(me);
              for (const p of me.links) {
                p.a.close('left the room');
                p.b.close('left the room');
              }
            },
          };
        },
      };
    },
  };
}
