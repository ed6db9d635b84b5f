import { encodeWith, envelope, fixedBytes, list, oneOf, optional, string, struct, varuint, type Codec, type Infer } from '../codec/index.ts';
import { boxKeyProblem, concatBytes, taggedHash, verifyEd25519, type Signer } from '../crypto/index.ts';
import { accept, refuse, type Verdict } from '../identity/verdict.ts';
import { ROLES } from '../ops/roles.ts';

export const INVITE_LIMITS = { nameBytes: 100, signalingUrls: 8, urlBytes: 512, maxUses: 1000, encodedBytes: 4096 } as const;

const claimsSchema = struct({
  /** The context joined (its genesis op id). */
  context: fixedBytes(32),
  /** Shown on the join page before anything is fetched. */
  contextName: string(INVITE_LIMITS.nameBytes),
  role: oneOf(ROLES),
  expiresAt: varuint,
  maxUses: varuint,
  /** The context's rendezvous secret: derives the signaling room name and password. */
  secret: fixedBytes(32),
  signaling: list(string(INVITE_LIMITS.urlBytes), INVITE_LIMITS.signalingUrls),
  /** The inviter's client key; its authority is judged where the join op sits in the DAG. */
  inviterKey: fixedBytes(32),
  nonce: fixedBytes(16),
  /**
   * The invite's X25519 box key: the inviter grants it the current epoch key, so whoever
   * holds the link (its private half travels in the link fragment) reads the context on
   * joining even with every member offline. Absent: the joiner waits for a member's grant.
   */
  boxKey: optional(fixedBytes(32)),
});

export type InviteClaims = Infer<typeof claimsSchema>;

/** A signed invitation to a context. Travels in a URL fragment; consumed by a `join` op. */
export interface Invite {
  claims: InviteClaims;
  signature: Uint8Array;
}

export const inviteSchema = struct({ claims: claimsSchema, signature: fixedBytes(64) }) as Codec<Invite>;

/** Canonical bytes of an invite. Tag 0x30, version 1. */
export const inviteCodec = envelope<Invite>(0x30, 1, INVITE_LIMITS.encodedBytes, inviteSchema);

const DOMAIN = new TextEncoder().encode('tabnode/invite/v1\0');

/** An invite's id: what use counts and revocations refer to. */
export function inviteId(claims: InviteClaims): Uint8Array {
  return taggedHash('tabnode/invite-id/v1', encodeWith(claimsSchema, claims));
}

export async function signInvite(inviter: Signer, claims: Omit<InviteClaims, 'inviterKey'>): Promise<Invite> {
  const full: InviteClaims = { ...claims, inviterKey: inviter.publicKey };
  return { claims: full, signature: await inviter.sign(concatBytes(DOMAIN, encodeWith(claimsSchema, full))) };
}

export type InviteRefusal = 'bad-signature' | 'expired' | 'malformed';

/** What can be checked without the context's history: signature, expiry, sane limits. */
export async function checkInviteStandalone(invite: Invite, now: number): Promise<Verdict<InviteRefusal>> {
  const { claims } = invite;
  if (claims.maxUses < 1 || claims.maxUses > INVITE_LIMITS.maxUses) {
    return refuse('malformed', `an invite allows 1 to ${INVITE_LIMITS.maxUses} uses, this one ${claims.maxUses}`);
  }
  if (claims.role === 'owner') return refuse('malformed', 'an invite cannot make someone an owner');
  // A box key in the link would hand the relay the epoch keys granted to it: a relay never reads.
  if (claims.role === 'relay' && claims.boxKey) return refuse('malformed', 'a relay invite cannot carry a box key: a relay must never hold an epoch key');
  const boxKeyWrong = claims.boxKey && boxKeyProblem(claims.boxKey);
  if (boxKeyWrong) return refuse('malformed', `an invite's box key must be usable: ${boxKeyWrong}`);
  const signed = concatBytes(DOMAIN, encodeWith(claimsSchema, claims));
  if (!(await verifyEd25519(claims.inviterKey, signed, invite.signature))) {
    return refuse('bad-signature', 'the invite was altered or not signed by the key it names');
  }
  if (now >= claims.expiresAt) return refuse('expired', `the invite expired at ${new Date(claims.expiresAt).toISOString()}`);
  return accept;
}
