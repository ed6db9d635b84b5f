import { encodeWith, oneOf, struct } from '../codec/index.ts';
import { taggedHash } from '../crypto/index.ts';
import type { GovState } from '../governance/state.ts';
import { rootIdField, type RootId } from '../identity/rootId.ts';
import { ROLES, type Role } from '../ops/roles.ts';
import { compareUtf8 } from '../state/layout.ts';
import { merkleRoot } from '../state/merkle.ts';
import type { Hash32 } from './AnchorChain.ts';
import { toHash32 } from './hash32.ts';

const leafSchema = struct({ root: rootIdField, role: oneOf(ROLES) });
const TAGS = { node: 'tabnode/member-set/node/v1', empty: 'tabnode/member-set/empty/v1' };

/** One member's leaf: the tagged hash of (root id, role). */
export function memberLeaf(root: RootId, role: Role): Uint8Array {
  return taggedHash('tabnode/member-set/leaf/v1', encodeWith(leafSchema, { root, role }));
}

/**
 * The Merkle root of who is a member with which role: what an anchor states, so that a node
 * compares its own membership at the anchored head with 32 bytes (and a member can later be
 * shown in or out with a path). Leaves sorted by root id (UTF-8 byte order): one root for
 * one set, however its map was filled.
 */
export function memberSetRoot(gov: Pick<GovState, 'members'>): Hash32 {
  const members = [...gov.members].sort(([a], [b]) => compareUtf8(a, b));
  return toHash32(merkleRoot(members.map(([root, m]) => memberLeaf(root, m.role)), TAGS));
}
