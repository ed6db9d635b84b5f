import { taggedHash } from '../crypto/index.ts';
import { toBase58, toBase64url } from '../codec/index.ts';
import type { RootId } from '../identity/index.ts';
import { DIRECTORY_LIMITS } from './messages.ts';
import type { Holding } from './answer.ts';

/** Where the devices of one root, and the nodes that share contexts with it, meet. */
export interface DirectoryRoom {
  root: RootId;
  /** H("tabnode/directory/v1", root): names the room and is the handshake's context value. */
  id: Uint8Array;
  room: string;
  password: string;
}

const utf8 = new TextEncoder();

/**
 * A root's directory room. It is derived from the root alone, because a new device knows
 * nothing else; so anyone who knows the root can find the room. The protocol, not the room,
 * keeps the answers private: only a proven device of the root gets one, sealed to it.
 */
export function directoryRoom(root: RootId): DirectoryRoom {
  const id = taggedHash('tabnode/directory/v1', utf8.encode(root));
  return {
    root,
    id,
    room: `tabnode-dir-${toBase58(id)}`,
    password: toBase64url(taggedHash('tabnode/directory-password/v1', id)),
  };
}

/**
 * The roots whose directory rooms this node joins: its own first, then the members of the
 * contexts it holds, most recently active contexts first, at most `limit` in all.
 */
export function directoryRoots(own: RootId | undefined, holdings: readonly Holding[], limit: number = DIRECTORY_LIMITS.rooms): RootId[] {
  const roots = new Set<RootId>();
  if (own && limit > 0) roots.add(own);
  const recent = [...holdings].sort((a, b) => (b.activeAt ?? 0) - (a.activeAt ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const h of recent) {
    for (const root of [...h.members].sort()) {
      if (roots.size >= limit) return [...roots];
      roots.add(root);
    }
  }
  return [...roots];
}
