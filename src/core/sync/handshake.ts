import { concatBytes, taggedHash, verifyEd25519, toHex, type Signer } from '../crypto/index.ts';
import { DELEGATION_LIMITS, delegationCodec, delegationOrigin, originRefusal, OriginError, verifyDelegation, type DelegationClaims, type ProofOptions } from '../identity/index.ts';
import { checkInviteStandalone, inviteId } from '../invitation/invite.ts';
import type { GovState } from '../governance/state.ts';
import { inviterRefusal } from '../governance/inviter.ts';
import { idKey } from '../ops/op.ts';
import { refuse, accept, type Verdict } from '../identity/verdict.ts';
import type { Credential, RefusalCode } from './messages.ts';

/** The bytes a peer signs to prove it holds its key in this handshake, and no other. */
export function handshakeTranscript(context: Uint8Array, signerNonce: Uint8Array, verifierNonce: Uint8Array, key: Uint8Array): Uint8Array {
  return taggedHash('tabnode/handshake/v1', concatBytes(context, signerNonce, verifierNonce, key));
}

export async function signHandshake(signer: Signer, context: Uint8Array, myNonce: Uint8Array, theirNonce: Uint8Array): Promise<Uint8Array> {
  return signer.sign(handshakeTranscript(context, myNonce, theirNonce, signer.publicKey));
}

export type PeerStanding = 'member' | 'invitee';

export type HandshakeRefusal =
  | 'bad-proof'
  | 'bad-delegation'
  | 'not-a-member'
  | 'revoked-key'
  | 'bad-invite'
  | 'origin-not-allowed';

/** The machine code a refusal travels with (`refused` message). */
export function refusalCode(reason: HandshakeRefusal | string): RefusalCode {
  if (reason === 'origin-not-allowed') return 'bad-origin';
  return reason === 'not-a-member' || reason === 'revoked-key' || reason === 'bad-invite' ? reason : 'other';
}

/**
 * Clocks may disagree by at most this much (the same tolerance delegations get): a peer
 * further off could present delegations this node takes for not yet valid or expired.
 */
export const CLOCK_TOLERANCE_MS = DELEGATION_LIMITS.clockSkewMs;

/**
 * Step zero, on the peer's hello: are our clocks close enough? `offsetMs` is their clock
 * minus mine. The message speaks to the person at this node, so both sides of a skewed pair
 * say whose clock is off and by how much.
 */
export function checkClocks(offsetMs: number): Verdict<'clock-skew'> {
  if (Math.abs(offsetMs) <= CLOCK_TOLERANCE_MS) return accept;
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  const direction = offsetMs < 0 ? 'ahead of' : 'behind';
  return refuse(
    'clock-skew',
    `your clock is ${minutes} minutes ${direction} this peer's, more than the ${CLOCK_TOLERANCE_MS / 60_000} minutes allowed: set the date and time automatically on one of the two devices`,
  );
}

export interface AuthInput {
  context: Uint8Array;
  key: Uint8Array;
  delegation: Uint8Array;
  signature: Uint8Array;
  /** Their nonce (from their hello) and mine (from my hello). */
  theirNonce: Uint8Array;
  myNonce: Uint8Array;
  now: number;
  /** How contract-account proofs are checked (an RPC), if at all. */
  proofs?: ProofOptions;
}

/** Step one: the peer proved it holds `key` over my fresh nonce, and a root delegated that key. */
export async function authenticatePeer(a: AuthInput): Promise<Verdict<HandshakeRefusal> & { claims?: DelegationClaims; origin?: string }> {
  const transcript = handshakeTranscript(a.context, a.theirNonce, a.myNonce, a.key);
  if (!(await verifyEd25519(a.key, transcript, a.signature))) return refuse('bad-proof', 'the peer did not prove it holds its key');
  try {
    const d = delegationCodec.decode(a.delegation);
    const verdict = await verifyDelegation(d, a.now, a.proofs);
    if (!verdict.ok) return refuse('bad-delegation', verdict.message);
    if (toHex(d.claims.clientKey) !== toHex(a.key)) return refuse('bad-delegation', 'the delegation is for another key');
    // The site a wallet delegation was signed for (none for a local root's): admission checks it.
    const origin = delegationOrigin(d.proof);
    return { ...accept, claims: d.claims, ...(origin === undefined ? {} : { origin }) };
  } catch (e) {
    if (e instanceof OriginError) return refuse('bad-delegation', e.message);
    return refuse('bad-delegation', `undecodable delegation: ${(e as Error).message}`);
  }
}

/**
 * Step two, re-run whenever governance changes: may this authenticated peer receive the
 * context's ops? Its key must not be revoked, and its root must be a member — or it holds
 * a valid invite (a joiner fetching the history its join op builds on).
 * `origin` (from `authenticatePeer`): a wallet delegation must be signed for an allowed origin.
 */
export async function admitPeer(
  claims: DelegationClaims,
  credential: Credential,
  context: Uint8Array,
  g: GovState,
  now: number,
  origin?: string,
): Promise<Verdict<HandshakeRefusal> & { standing?: PeerStanding }> {
  if (g.revokedKeys.has(toHex(claims.clientKey))) return refuse('revoked-key', 'this key was revoked');
  // With no history yet there is nothing to check against: judged again once it arrives.
  const foreign = g.members.size > 0 ? originRefusal(origin, g.origins) : undefined;
  if (foreign) return refuse('origin-not-allowed', `the wallet delegation of ${claims.root} was ${foreign}`);
  if (credential.kind === 'member') {
    // A node still joining has no governance to check against: it admits the peer for now
    // (everything it receives is verified anyway) and checks again once history arrives.
    if (g.members.size === 0) return { ...accept, standing: 'member' };
    if (!g.members.has(claims.root)) return refuse('not-a-member', `${claims.root} is not a member of this context`);
    return { ...accept, standing: 'member' };
  }
  if (g.members.has(claims.root)) return { ...accept, standing: 'member' };
  const invite = credential.invite;
  const standalone = await checkInviteStandalone(invite, now);
  if (!standalone.ok) return refuse('bad-invite', standalone.message);
  if (idKey(invite.claims.context) !== idKey(context)) return refuse('bad-invite', 'the invite is for another context');
  // The rules' own check of the inviter (governance/inviter.ts), so a link the rules would
  // refuse at the join is refused at the handshake too, for the same reason.
  const notAuthorized = inviterRefusal(g, toHex(invite.claims.inviterKey), invite.claims.role);
  if (notAuthorized) return refuse('bad-invite', notAuthorized);
  const id = idKey(inviteId(invite.claims));
  if (g.revokedInvites.has(id)) return refuse('bad-invite', 'the invite was revoked');
  if ((g.inviteUses.get(id) ?? 0) >= invite.claims.maxUses) return refuse('bad-invite', 'the invite was used up');
  return { ...accept, standing: 'invitee' };
}
