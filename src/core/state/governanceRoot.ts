import { encodeWith, fixedBytes, list, oneOf, optional, string, struct, varuint, bool } from '../codec/index.ts';
import { fromHex, taggedHash } from '../crypto/index.ts';
import type { GovState } from '../governance/state.ts';
import { rootIdField, sortOrigins } from '../identity/index.ts';
import { ROLES } from '../ops/roles.ts';
import { anchorField, compareIds } from '../ops/op.ts';
import { compareUtf8 } from './layout.ts';
import { anchorFieldOf } from '../anchor/binding.ts';

// Encoded only to be hashed, never decoded: the bounds are sanity limits, not wire limits.
const MANY = 1 << 24;
const id32 = fixedBytes(32);

const schema = struct({
  name: string(1024),
  appId: id32,
  verifiable: bool,
  /** Sorted by root id (UTF-8 byte order). */
  members: list(struct({ root: rootIdField, role: oneOf(ROLES) }), MANY),
  /** Registered client keys with what their delegation said, sorted by key bytes. */
  keys: list(struct({ key: id32, root: rootIdField, label: string(1024), issuedAt: varuint, expiresAt: varuint, origin: optional(string(1024)) }), MANY),
  revokedKeys: list(id32, MANY),
  revokedInvites: list(id32, MANY),
  /** Valid joins per invite, sorted by invite id. */
  inviteUses: list(struct({ invite: id32, uses: varuint }), MANY),
  /** Allowed origins, sorted. */
  origins: list(string(1024), MANY),
  /** The chain registry the genesis bound the context to: peers agreeing on governance agree on it. */
  anchor: optional(anchorField),
});

/** A GovState that cannot be hashed: a key or id that is not 64 lowercase hex digits. */
export class GovernanceRootError extends Error {
  override readonly name = 'GovernanceRootError';
}

/**
 * The hash of the canonical encoding of a governance state: every peer with the same valid
 * governance ops gets the same 32 bytes, whatever order its maps were filled in.
 */
export function governanceRoot(s: GovState): Uint8Array {
  const members = [...s.members].map(([root, m]) => ({ root, role: m.role })).sort((a, b) => compareUtf8(a.root, b.root));
  const keys = [...s.keys]
    .map(([hex, k]) => ({ key: id(hex, 'registered key'), root: k.root, label: k.label, issuedAt: k.issuedAt, expiresAt: k.expiresAt, origin: k.origin }))
    .sort((a, b) => compareIds(a.key, b.key));
  const inviteUses = [...s.inviteUses].map(([hex, uses]) => ({ invite: id(hex, 'invite'), uses })).sort((a, b) => compareIds(a.invite, b.invite));
  const encoded = encodeWith(schema, {
    name: s.name,
    appId: s.appId,
    verifiable: s.verifiable,
    members,
    keys,
    revokedKeys: ids(s.revokedKeys, 'revoked key'),
    revokedInvites: ids(s.revokedInvites, 'revoked invite'),
    inviteUses,
    origins: sortOrigins(s.origins),
    anchor: s.anchor && anchorFieldOf(s.anchor),
  });
  return taggedHash('tabnode/governance-root/v1', encoded);
}

// Hex must be canonical (lowercase, as idKey and toHex write it): "AB" and "ab" would be two
// map entries but one key here.
function id(hex: string, what: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new GovernanceRootError(`${what} "${hex.slice(0, 80)}" is not 64 lowercase hex digits`);
  return fromHex(hex);
}

function ids(set: Iterable<string>, what: string): Uint8Array[] {
  return [...set].map((hex) => id(hex, what)).sort(compareIds);
}
