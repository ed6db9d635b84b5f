import type { AnchorBinding } from '../anchor/AnchorChain.ts';
import type { DelegationClaims, RootId } from '../identity/index.ts';
import type { Role } from '../ops/roles.ts';
import type { Reached } from '../epochs/recipients.ts';

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
  /** The device's X25519 box key (hex) the registering op certified; none for a relay or a keyless device. */
  boxKey?: string;
}

/** A key op: the genesis of an encrypted context (epoch 0) or a `rotate-epoch`. */
export interface EpochKeyRef {
  /** The key op's id (hex). */
  op: string;
  epoch: number;
}

/** A valid key op in the past, and every box key it reached (its own boxes and later grants). */
export interface EpochKeyInfo {
  epoch: number;
  /**
   * Box keys (hex) the key was sealed to, as a list shared between states (`holdersOf`,
   * `reachedBoxKey` read it). Replaced, never changed in place.
   */
  reached: Reached;
}

/** An invite a grant sealed keys to, from the signed invite the grant carried. */
export interface GrantedInvite {
  boxKey: string;
  expiresAt: number;
  maxUses: number;
  /** The inviter's client key (hex): the invite stops being entitled once it could no longer make it. */
  inviterKey: string;
  role: Role;
}

/** Who registered a box key: a member root's device, or a granted invite (its id, hex). */
export type BoxKeyOwner = { root: RootId; invite?: undefined } | { invite: string; root?: undefined };

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
  /**
   * The epoch key deltas use here: the winning key op (highest epoch, then highest id) of the
   * past. None: a plaintext context (its genesis sealed no epoch key).
   */
  epochKey?: EpochKeyRef;
  /** Every valid key op of the past (hex id), with who it reached. */
  epochKeys: Map<string, EpochKeyInfo>;
  /** Invites (id hex) a valid grant sealed a key to. */
  grantedInvites: Map<string, GrantedInvite>;
  /** Every box key (hex) registered by a device or granted to an invite, and by whom first: a box key belongs to one root or invite. */
  boxKeyOwners: Map<string, BoxKeyOwner>;
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
    epochKeys: new Map(),
    grantedInvites: new Map(),
    boxKeyOwners: new Map(),
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
    ...(s.epochKey && { epochKey: s.epochKey }),
    epochKeys: new Map(s.epochKeys),
    grantedInvites: new Map(s.grantedInvites),
    boxKeyOwners: new Map(s.boxKeyOwners),
  };
}

export function keyInfoFrom(claims: DelegationClaims, origin?: string, boxKey?: string): KeyInfo {
  const info: KeyInfo = { root: claims.root, label: claims.label, issuedAt: claims.issuedAt, expiresAt: claims.expiresAt };
  if (origin !== undefined) info.origin = origin;
  if (boxKey !== undefined) info.boxKey = boxKey;
  return info;
}

export function ownerCount(s: GovState): number {
  let n = 0;
  for (const m of s.members.values()) if (m.role === 'owner') n++;
  return n;
}
