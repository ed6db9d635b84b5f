import { toHex } from '../crypto/index.ts';
import { delegationCodec, delegationOrigin, revocationCodec } from '../identity/index.ts';
import { inviteId } from '../invitation/invite.ts';
import { idKey, type Op } from '../ops/op.ts';
import { toAddress } from '../anchor/binding.ts';
import type { Invite } from '../invitation/invite.ts';
import type { CheckedOp } from './checkedOp.ts';

/** An invite with its id (idKey of its claims' hash), as the rules look invites up. */
function identifiedInvite(invite: Invite): Invite & { id: string } {
  return { ...invite, id: idKey(inviteId(invite.claims)) };
}

/**
 * The CheckedOp of an op whose checks passed: the fields the rules read, decoded from the op.
 * checkIntrinsic ends with it once everything is verified; an op this node verified before
 * and sealed in its store (docs/decisions/stored-verdicts.md) gets it directly — its
 * certificates decoded, not verified again, no chain asked about an anchored revocation's
 * evidence. Throws if the op does not decode as a verified one would (then it is verified in full).
 */
export function trustedCheckedOp(op: Op, bytes: Uint8Array): CheckedOp {
  const checked: CheckedOp = { op, key: idKey(op.id), author: toHex(op.author), bytes };
  const body = op.body;
  if (body.kind === 'genesis' || body.kind === 'add-device' || body.kind === 'join') {
    const d = delegationCodec.decode(body.delegation);
    checked.delegation = d.claims;
    const origin = delegationOrigin(d.proof);
    if (origin !== undefined) checked.origin = origin;
  }
  if (body.kind === 'anchored-revoke-key') {
    checked.chainRevocation = { clientKey: toHex(body.clientKey), by: toAddress(body.evidence.by), asAdmin: body.evidence.asAdmin };
  }
  if (body.kind === 'join') checked.invite = identifiedInvite(body.invite);
  if (body.kind === 'grant-epoch' && body.invite) checked.grantInvite = identifiedInvite(body.invite);
  if (body.kind === 'revoke-key') checked.revocation = revocationCodec.decode(body.revocation).claims;
  return checked;
}
