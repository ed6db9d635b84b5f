import { clampUtf8 } from '../codec/index.ts';
import { fromHex, toHex } from '../crypto/index.ts';
import { originRefusal, type RootId } from '../identity/index.ts';
import { DIRECTORY_LIMITS, type DirectoryEntry } from './messages.ts';

/** A context this node holds, as the directory sees it: where to meet, and who may know. */
export interface Holding {
  /** Context id, hex. */
  id: string;
  name: string;
  secret: Uint8Array;
  signaling: readonly string[];
  /** Members in this node's current view of the context's governance. */
  members: readonly RootId[];
  /** Revoked client keys (hex), as in `GovState.revokedKeys`. */
  revokedKeys: ReadonlySet<string>;
  /** Sites the context allows wallet sign-in from, as in `GovState.origins`. */
  origins?: ReadonlySet<string>;
  /** When the context was last active (advisory op time, ms): orders rooms and answers. */
  activeAt?: number;
}

/**
 * What a proven device `clientKey` of `root` may learn: the contexts where `root` is a
 * member, that key is not revoked, and its delegation's site (`origin`, none for a local
 * root's key) is allowed — a key phished on another site learns nothing. A context still being fetched (no members yet) is
 * never listed. At most `entriesPerAnswer` (the most recently active), in context id order
 * so that the same set always encodes the same (updates are sent only when it changes).
 */
export function contextsFor(root: RootId, clientKey: Uint8Array, holdings: readonly Holding[], origin?: string): DirectoryEntry[] {
  const key = toHex(clientKey);
  // A key revoked in any context is revoked for its root everywhere: it learns nothing.
  if (holdings.some((h) => h.revokedKeys.has(key))) return [];
  return holdings
    .filter((h) => h.members.includes(root) && h.secret.length === 32 && /^[0-9a-f]{64}$/.test(h.id))
    .filter((h) => !h.origins || originRefusal(origin, h.origins) === undefined)
    .sort((a, b) => (b.activeAt ?? 0) - (a.activeAt ?? 0))
    .slice(0, DIRECTORY_LIMITS.entriesPerAnswer)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((h) => ({
      context: fromHex(h.id),
      name: clampUtf8(h.name, DIRECTORY_LIMITS.nameBytes),
      secret: h.secret,
      // A URL over the bound is left out rather than cut (a cut URL is a wrong one).
      signaling: [...new Set(h.signaling)].filter((u) => u.isWellFormed() && utf8.encode(u).length <= DIRECTORY_LIMITS.urlBytes).slice(0, DIRECTORY_LIMITS.signalingUrls),
    }));
}

const utf8 = new TextEncoder();
