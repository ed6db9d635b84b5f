// Whom a node of a partial mesh connects to. Every node places all peer ids of the room
// (its own included) on a ring, in sorted order, and wants its nearest neighbours on it:
// floor(maxConns / 2) on each side. The choice is symmetric (b is a's k-th successor iff
// a is b's k-th predecessor), so two nodes that know the same peers agree on every
// connection, and a ring is connected with two connections a node: a write flooded on the
// links reaches everyone. Ids are random per run of a mesh, so neighbours are random too.
// With an odd maxConns the last slot stays free for peers that ask while rosters disagree.

/** Fewest connections a node may be limited to: below two a ring falls apart. */
export const MIN_MAX_CONNS = 2;
/** Most: each connection costs a DTLS session and ICE keep-alives. */
export const MAX_MAX_CONNS = 64;
/** A full mesh up to 21 peers, a ring with chords beyond. */
export const DEFAULT_MAX_CONNS = 20;

export class RingPolicyError extends Error {
  override readonly name = 'RingPolicyError';
}

/** The peers `self` wants a connection to, given every peer id it knows of in the room. */
export function ringNeighbours(self: string, peers: Iterable<string>, maxConns: number): Set<string> {
  if (!Number.isInteger(maxConns) || maxConns < MIN_MAX_CONNS) {
    throw new RingPolicyError(`maxConns must be an integer of at least ${MIN_MAX_CONNS}, got ${maxConns}`);
  }
  const ring = [...new Set([...peers, self])].sort();
  const others = ring.length - 1;
  const half = Math.floor(maxConns / 2);
  if (others <= 2 * half) return new Set(ring.filter((id) => id !== self));
  const at = ring.indexOf(self);
  const wanted = new Set<string>();
  for (let d = 1; d <= half; d++) {
    wanted.add(ring[(at + d) % ring.length]!);
    wanted.add(ring[(at - d + ring.length) % ring.length]!);
  }
  return wanted;
}
