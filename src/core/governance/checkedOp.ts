import { boxKeyProblem, toHex } from '../crypto/index.ts';
import { DecodeError } from '../codec/index.ts';
import {
  delegationCodec,
  delegationOrigin,
  OriginError,
  revocationCodec,
  verifyDelegation,
  verifyRevocation,
  type DelegationClaims,
  type RevocationClaims, type ProofOptions } from '../identity/index.ts';
import { checkInviteStandalone, type Invite } from '../invitation/invite.ts';
import { GENESIS_CONTEXT, encodeOp, idKey, verifyOpSignature, type Op } from '../ops/op.ts';
import { bytesEqual } from '../crypto/index.ts';
import { refuse, type Verdict } from '../identity/verdict.ts';
import { checkStateUpdate } from '../state/checkUpdate.ts';
import { recipientKeys } from '../epochs/recipients.ts';
import type { Address, AnchorBinding } from '../anchor/AnchorChain.ts';
import { bindingOf, contextWord, evidenceMismatch, genesisAnchorRefusal } from '../anchor/binding.ts';
import { trustedCheckedOp } from './trustedOp.ts';

/** An op whose signature and embedded certificates have been verified, with them decoded. */
export interface CheckedOp {
  op: Op;
  /** hex of the op id */
  key: string;
  /** hex of the author's client key */
  author: string;
  /** The op's canonical bytes: what is stored, relayed, and counted against byte bounds. */
  bytes: Uint8Array;
  delegation?: DelegationClaims;
  /** The site the embedded delegation was signed for; none for a local root's. */
  origin?: string;
  invite?: Invite & { id: string };
  /** The signed invite a `grant-epoch` seals a key to (checked standalone at the op's time; its authority is the rules'). */
  grantInvite?: Invite & { id: string };
  revocation?: RevocationClaims;
  /** An `anchored-revoke-key` whose evidence this node found on the context's chain. */
  chainRevocation?: { clientKey: string; by: Address; asAdmin: boolean };
  /** The parents' idKeys, once computed (`parentKeys`): the DAG, evaluator and history all walk them. */
  parentKeys?: readonly string[];
}

/**
 * The idKeys of an op's parents, computed once per checked op (an op does not change once
 * checked): loading a context walks every op's parents several times.
 */
export function parentKeys(c: CheckedOp): readonly string[] {
  return (c.parentKeys ??= c.op.parents.map(idKey));
}

export type IntrinsicRefusal =
  | 'wrong-context'
  | 'bad-signature'
  | 'bad-delegation'
  | 'bad-invite'
  | 'bad-revocation'
  | 'malformed'
  /** A genesis binding a chain it may not (the owner is not the creator's Ethereum address). */
  | 'bad-anchor'
  /** A `boxKey` that cannot be sealed to (a low-order X25519 point) or is not in canonical form. */
  | 'bad-box-key'
  /** Chain evidence the chain contradicts, or in a context bound to no chain. */
  | 'bad-evidence'
  /** A proof this node cannot check now (no RPC set, the chain not answering or not there yet): other nodes may. */
  | 'unverifiable';

/**
 * What the caller knows of the context's chain binding: the binding, `null` when the genesis
 * is known and binds none, undefined when the genesis is not here yet.
 */
export type KnownBinding = AnchorBinding | null | undefined;

/**
 * What can be known about an op from the op alone: it belongs to this context, its author
 * signed it, and certificates inside it verify (delegations and invites at the op's own time).
 * Ops failing here are rejected outright and never enter the DAG.
 */
export async function checkIntrinsic(
  op: Op,
  contextId: Uint8Array,
  proofs: ProofOptions = {},
  bytes?: Uint8Array,
  binding?: KnownBinding,
  /** The op's signature verdict when a batch verifier already checked it; undefined: check it here. */
  signatureValid?: boolean,
): Promise<Verdict<IntrinsicRefusal> & { checked?: CheckedOp }> {
  const isGenesis = op.body.kind === 'genesis';
  if (isGenesis) {
    if (!bytesEqual(op.id, contextId)) return refuse('wrong-context', 'a genesis op of another context');
    if (!bytesEqual(op.context, GENESIS_CONTEXT) || op.parents.length > 0) {
      return refuse('malformed', 'a genesis op has no parents and an all-zero context');
    }
  } else {
    if (!bytesEqual(op.context, contextId)) return refuse('wrong-context', 'the op belongs to another context');
    if (op.parents.length === 0) return refuse('malformed', 'only the genesis op has no parents');
  }
  if (!(signatureValid ?? (await verifyOpSignature(op)))) return refuse('bad-signature', 'the op was altered or not signed by its author key');

  const body = op.body;
  let claims: DelegationClaims | undefined;
  if (body.kind === 'delta') {
    // Every writer (built-in or WASM) writes plain values under keys of the state map. A
    // sealed delta's layout is checked by key holders after opening it (the replica): a
    // relay cannot, and verdicts must not depend on keys.
    try {
      checkStateUpdate(body.update);
    } catch (e) {
      return refuse('malformed', `the state update breaks the state layout: ${(e as Error).message}`);
    }
  }
  if (body.kind === 'genesis' || body.kind === 'add-device' || body.kind === 'join') {
    try {
      const d = delegationCodec.decode(body.delegation);
      const verdict = await verifyDelegation(d, op.time, proofs);
      if (!verdict.ok) return refuse(verdict.reason === 'unverifiable' ? 'unverifiable' : 'bad-delegation', `the author's delegation: ${verdict.message}`);
      claims = d.claims;
      delegationOrigin(d.proof); // throws OriginError for a malformed site
    } catch (e) {
      if (e instanceof OriginError) return refuse('bad-delegation', `the author's delegation: ${e.message}`);
      return refuse('bad-delegation', `the author's delegation does not decode: ${(e as DecodeError).message}`);
    }
    if (!bytesEqual(claims.clientKey, op.author)) return refuse('bad-delegation', 'the delegation is for another key than the author');
  }
  if (body.kind === 'genesis' && body.anchor) {
    // From the op alone: the registry keys the context by the owner, so only that owner creates it.
    const why = genesisAnchorRefusal(bindingOf(body.anchor), claims!.root);
    if (why) return refuse('bad-anchor', why);
  }
  if (body.kind === 'anchored-revoke-key') {
    const why = await checkChainEvidence(body, contextId, proofs, binding);
    if (why) return why;
  }
  if (body.kind === 'join') {
    const verdict = await checkInviteStandalone(body.invite, op.time);
    if (!verdict.ok) return refuse('bad-invite', `the invite: ${verdict.message}`);
    if (!bytesEqual(body.invite.claims.context, contextId)) return refuse('bad-invite', 'the invite is for another context');
  }
  if (body.kind === 'genesis' && body.epochBox && !body.boxKey) return refuse('malformed', "a genesis seals epoch 0's key to its own box key, which it does not name");
  // Without the commitment nobody could tell epoch 0's key from a wrong one claimed for it.
  if (body.kind === 'genesis' && !body.epochBox !== !body.keyCommit) return refuse('malformed', "a genesis carries epoch 0's box and the commitment to its key together, or neither");
  if ((body.kind === 'genesis' || body.kind === 'join' || body.kind === 'add-device') && body.boxKey) {
    const why = boxKeyProblem(body.boxKey);
    if (why) return refuse('bad-box-key', `the ${body.kind} registers a box key epoch keys cannot be sealed to: ${why}`);
  }
  if (body.kind === 'rotate-epoch' || body.kind === 'grant-epoch') {
    const { duplicate } = recipientKeys(body.boxes);
    if (duplicate) return refuse('malformed', `a ${body.kind} seals its key to each box key once; ${duplicate.slice(0, 12)}… has several boxes`);
  }
  if (body.kind === 'grant-epoch') {
    const why = await checkGrantShape(body, contextId, op.time);
    if (why) return why;
  }
  if (body.kind === 'set-origins') {
    const added = new Set(body.add);
    const both = body.remove.find((o) => added.has(o));
    if (both) return refuse('malformed', `a set-origins op both adds and removes ${both}`);
    if (added.size === 0 && body.remove.length === 0) return refuse('malformed', 'a set-origins op that changes nothing');
  }
  if (body.kind === 'revoke-key') {
    try {
      const r = revocationCodec.decode(body.revocation);
      const verdict = await verifyRevocation(r, proofs);
      if (!verdict.ok) return refuse(verdict.reason === 'unverifiable' ? 'unverifiable' : 'bad-revocation', verdict.message);
    } catch (e) {
      return refuse('bad-revocation', `the revocation does not decode: ${(e as Error).message}`);
    }
  }
  // Every check passed: the fields the rules read come from the op the same way as for an op
  // trusted by its seal, so the two paths cannot judge an op differently.
  return { ok: true, checked: trustedCheckedOp(op, bytes ?? encodeOp(op)) };
}

/**
 * A grant from the op alone: at least one box (an empty grant changes nothing), and a grant to
 * an invite carries exactly one box, to the box key in the invite, which must verify (signed,
 * unexpired at the op's time, for this context). Who may grant is the rules' to say.
 */
async function checkGrantShape(body: Extract<Op['body'], { kind: 'grant-epoch' }>, contextId: Uint8Array, time: number): Promise<Verdict<IntrinsicRefusal> | undefined> {
  if (body.boxes.length === 0) return refuse('malformed', 'a grant seals its key to at least one box key');
  const invite = body.invite;
  if (!invite) return undefined;
  if (body.boxes.length !== 1) return refuse('malformed', "a grant to an invite carries exactly one box, to the invite's box key");
  const verdict = await checkInviteStandalone(invite, time);
  if (!verdict.ok) return refuse('bad-invite', `the granted invite: ${verdict.message}`);
  if (!bytesEqual(invite.claims.context, contextId)) return refuse('bad-invite', 'the granted invite is for another context');
  if (!invite.claims.boxKey || !bytesEqual(invite.claims.boxKey, body.boxes[0]!.to)) {
    return refuse('bad-invite', "a grant to an invite seals the key to the box key its inviter signed in the invite, and this one's box goes elsewhere");
  }
  return undefined;
}

/**
 * The evidence of an anchored revocation, checked on the chain the genesis binds: the event
 * must be there and say exactly what the op says. Not finding it is `unverifiable`, not a
 * forgery: this node's RPC may lag the one that saw it.
 */
async function checkChainEvidence(
  body: Extract<Op['body'], { kind: 'anchored-revoke-key' }>,
  contextId: Uint8Array,
  proofs: ProofOptions,
  binding: KnownBinding,
): Promise<Verdict<IntrinsicRefusal> | undefined> {
  if (binding === null) return refuse('bad-evidence', 'the context is not anchored to a chain: there is no registry to import revocations from');
  if (binding === undefined) return refuse('unverifiable', "the context's genesis is not here yet, so the chain the evidence is on is unknown");
  if (!proofs.anchors) return refuse('unverifiable', `no RPC for chain ${binding.chainId} is set: the on-chain revocation cannot be checked here`);
  const txHash = `0x${toHex(body.evidence.txHash)}` as const;
  let event;
  try {
    event = await proofs.anchors.eventAt(binding, contextWord(contextId), txHash, body.evidence.logIndex);
  } catch (e) {
    return refuse('unverifiable', `chain ${binding.chainId} did not answer about tx ${txHash}: ${(e as Error).message}`);
  }
  const why = evidenceMismatch(event, body.clientKey, body.evidence);
  if (why) return refuse(event ? 'bad-evidence' : 'unverifiable', why);
  return undefined;
}
