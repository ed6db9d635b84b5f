import type { AnchorBinding } from '../anchor/AnchorChain.ts';
import type { DelegationClaims, RootId } from '../identity/index.ts';
import type { Role } from '../ops/roles.ts';

export interface MemberInfo {
  role: Role;
}

export interface KeyInfo {
  root: RootId;
  label: string;
  issuedAt: number;
  expiresAt: number;
  /** The site its wallet delegation was signed for; none for a local root's key. */
  origin?: string;
}

/** The governance of a context at some point of its history. */
export interface GovState {
  name: string;
  appId: Uint8Array;
  verifiable: boolean;
  members: Map<RootId, MemberInfo>;
  /** Registered client keys (hex) and the delegation that registered each. */
  keys: Map<string, KeyInfo>;
  revokedKeys: Set<string>;
  /** Valid joins per invite id (hex). */
  inviteUses: Map<string, number>;
  revokedInvites: Set<string>;
  /** The invites each member root joined with: a removal revokes them (the removed member holds the link). */
  joinedWith: Map<RootId, readonly string[]>;
  /** Sites members may sign in from with a wallet (canonical origins). */
  origins: Set<string>;
  /** The chain registry the genesis bound the context to (addresses lowercase); none if unanchored. */
  anchor?: AnchorBinding;
}

export function emptyGovState(): GovState {
  return {
    name: '',
    appId: new Uint8Array(32),
    verifiable: false,
    members: new Map(),
    keys: new Map(),
    revokedKeys: new Set(),
    inviteUses: new Map(),
    revokedInvites: new Set(),
    joinedWith: new Map(),
    origins: new Set(),
  };
}

export function cloneGovState(s: GovState): GovState {
  return {
    name: s.name,
    appId: s.appId,
    verifiable: s.verifiable,
    members: new Map(s.members),
    keys: new Map(s.keys),
    revokedKeys: new Set(s.revokedKeys),
    inviteUses: new Map(s.inviteUses),
    revokedInvites: new Set(s.revokedInvites),
    joinedWith: new Map(s.joinedWith),
    origins: new Set(s.origins),
    ...(s.anchor && { anchor: s.anchor }),
  };
}

export function keyInfoFrom(claims: DelegationClaims, origin?: string): KeyInfo {
  const info: KeyInfo = { root: claims.root, label: claims.label, issuedAt: claims.issuedAt, expiresAt: claims.expiresAt };
  if (origin !== undefined) info.origin = origin;
  return info;
}

export function ownerCount(s: GovState): number {
  let n = 0;
  for (const m of s.members.values()) if (m.role === 'owner') n++;
  return n;
}
