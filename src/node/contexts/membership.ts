import type { Replica } from '../../core/context/replica.ts';
import { toHex, type BoxKeyPair } from '../../core/crypto/index.ts';
import { checkIntrinsic } from '../../core/governance/checkedOp.ts';
import { judge } from '../../core/governance/rules.ts';
import { isRelay } from '../../core/epochs/entitled.ts';
import { delegationCodec, revocationCodec, type ProofOptions } from '../../core/identity/index.ts';
import { inviteCodec } from '../../core/invitation/index.ts';
import { idKey, signOp, type Op, type OpBody } from '../../core/ops/op.ts';
import type { CertificateStore, ContextRecord, ContextStore } from '../../core/store/index.ts';
import type { ReceiveResult } from '../../core/context/replica.ts';
import { singleFlight } from '../../core/tasks/singleFlight.ts';
import type { SigningIdentity } from '../identityService.ts';
import type { Alert, OpOutcome } from './view.ts';
import { ignoreClosed } from './context/closedGate.ts';
import { reasonClause } from '../words/reasonWords.ts';

export interface MembershipDeps {
  record: ContextRecord;
  store: Pick<ContextStore, 'putContext'> & Pick<CertificateStore, 'revocations'>;
  identity: SigningIdentity;
  replica: Replica;
  contextId: Uint8Array;
  proofs: ProofOptions;
  now(): number;
  isClosed(): boolean;
  parents(): Uint8Array[];
  /** Sign and publish an op made of `body` on the current heads. */
  publish(body: OpBody): Promise<OpOutcome>;
  /** Publish an op already signed. */
  publishSigned(op: Op): Promise<ReceiveResult>;
  alert(kind: Alert['kind'], message: string, detail?: string): void;
  onChange(): void;
  /** This device's box key, certified by its join or add-device op. */
  boxKey(): Promise<BoxKeyPair>;
  /** Once the join op is valid, before the device counts as settled (epoch keys: its own grant). */
  afterJoin?(): Promise<void>;
  /** The invite's box secret is gone from the record (drop any copy in memory). */
  onInviteBoxGone?(): void;
  /**
   * Whether this device holds the epoch key of the heads (true in a clear context). The
   * invite's box secret is kept until it does: a join can be valid before the grant to the
   * invite arrives (it is the newest op of a long history), and only that secret opens it.
   */
  keyHeld?(): boolean;
}

/**
 * This device's place in one context: joining by invite, coming back as a device of a
 * member root (`rejoin`: a login on a new browser, a rotated key, a renewed delegation),
 * and publishing the root's stored revocations once it can sign there.
 */
export function membershipTasks(d: MembershipDeps) {
  const { record, store, identity, replica, contextId } = d;
  const myKey = toHex(identity.signer.publicKey);
  const myDelegationExpiry = delegationCodec.decode(identity.delegation).claims.expiresAt;
  let problem: string | undefined;
  let revocationsCaughtUp = false;

  /**
   * Revocations this node stores for its own root (signed on this or another device) that
   * the context has not applied yet: a context fetched or joined after a revocation still
   * gets it, so the revoked key can never come in.
   */
  async function catchUpRevocations(): Promise<void> {
    const g = replica.governance();
    if (revocationsCaughtUp || d.isClosed() || !g.members.has(identity.root) || !g.keys.has(myKey) || g.revokedKeys.has(myKey)) return;
    revocationsCaughtUp = true;
    for (const r of await store.revocations()) {
      if (r.root !== identity.root || d.isClosed()) continue;
      const claims = revocationCodec.decode(r.bytes).claims;
      if (!replica.governance().revokedKeys.has(toHex(claims.clientKey))) await d.publish({ kind: 'revoke-key', revocation: r.bytes });
    }
  }

  /** Settled, and the key the invite's box opened is held: its secret leaves the record (not yet stored). */
  function dropInviteBox(): boolean {
    if (!record.inviteBoxSecret || record.invite || record.rejoin || !(d.keyHeld?.() ?? true)) return false;
    delete record.inviteBoxSecret;
    d.onInviteBoxGone?.();
    return true;
  }

  async function settled(): Promise<void> {
    delete record.invite;
    delete record.rejoin;
    dropInviteBox();
    await store.putContext(record);
  }

  /** A settled join whose invite's key arrived after it: the secret goes now. */
  async function releaseInviteBox(): Promise<void> {
    if (dropInviteBox()) await store.putContext(record);
  }

  /** Joining cannot go on: `message` is the technical why (the join problem), `plain` the alert's words. */
  function fail(message: string, plain: string): void {
    problem = message;
    d.alert('join-failed', plain, message);
  }

  /** While joining or rejoining: once the history allows it, make the join or add-device op. */
  async function attemptJoin(): Promise<void> {
    if (d.isClosed()) return;
    if (!record.invite && !record.rejoin) return releaseInviteBox();
    const g = replica.governance();
    if (g.members.size === 0) return; // the history has not arrived yet
    // Done once the context knows this key under the current delegation (a renewal or a
    // rotation brings a newer one, announced by another add-device op).
    if (g.members.has(identity.root) && (g.keys.get(myKey)?.expiresAt ?? -1) >= myDelegationExpiry) {
      await settled();
      await catchUpRevocations();
      return;
    }
    if (!g.members.has(identity.root) && !record.invite) {
      return fail(`${identity.root} is not a member of this context (any more): ask a member for an invite`, 'this account is not a member of this context (any more): ask a member for an invite');
    }
    const invite = g.members.has(identity.root) ? undefined : inviteCodec.decode(record.invite!);
    // A relay never holds an epoch key, so its device registers no box key (its role: the
    // context's, or for a join the invite's).
    const relay = isRelay(invite ? invite.claims.role : g.members.get(identity.root)?.role);
    const boxKey = relay ? undefined : (await d.boxKey()).publicKey;
    const body: OpBody = invite
      ? { kind: 'join', invite, delegation: identity.delegation, ...(boxKey && { boxKey }) }
      : { kind: 'add-device', delegation: identity.delegation, ...(boxKey && { boxKey }) };
    const op = await signOp(identity.signer, { context: contextId, parents: d.parents(), time: d.now(), body });
    const checked = await checkIntrinsic(op, contextId, d.proofs);
    if (!checked.ok) return fail(checked.message, `joining failed: ${reasonClause(checked.reason)}`);
    const refusal = judge(checked.checked!, replica.evaluator.stateAtParents(op.parents));
    if (refusal) {
      // The inviter may simply not be in the history received so far: wait for more.
      if (refusal.reason !== 'invite-not-authorized') fail(refusal.message, `the context's rules refuse this join: ${reasonClause(refusal.reason)}`);
      return;
    }
    problem = undefined;
    const outcome = await d.publishSigned(op);
    if (replica.verdict(idKey(op.id))?.valid) {
      await d.afterJoin?.().catch(() => undefined);
      await settled();
      void catchUpRevocations().catch(ignoreClosed);
      d.onChange();
    } else if (outcome.rejected.length) {
      problem = outcome.rejected[0]!.message;
    }
  }

  // Sync events call this many times at once; two attempts in flight would sign two joins
  // on one invite, and peers refuse the second as exhausted.
  const tryJoin = singleFlight(attemptJoin);

  return {
    tryJoin,
    catchUpRevocations,
    /** Why joining is stuck, if it is. */
    problem: () => problem,
    myDelegationExpiry,
  };
}
