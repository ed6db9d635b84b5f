import { DELEGATION_LIMITS, ORIGIN_LIMITS, originRefusal, type RootId } from '../identity/index.ts';
import { atLeast, type Role } from '../ops/roles.ts';
import { toHex } from '../crypto/index.ts';
import { bytesEqual } from '../crypto/bytes.ts';
import type { CheckedOp } from './checkedOp.ts';
import type { Invite } from '../invitation/invite.ts';
import { bindingOf, sameAddress } from '../anchor/binding.ts';
import { parseRootId } from '../identity/rootId.ts';
import { keyInfoFrom, ownerCount, type GovState } from './state.ts';
import { inviterRefusal } from './inviter.ts';
import { entitledBoxKeys, isRelay, KEY_OP_ROLE } from '../epochs/entitled.ts';
import { newerKey } from '../epochs/keyAt.ts';
import { recipientKeys } from '../epochs/recipients.ts';

export type RuleRefusal =
  | 'unknown-key'
  | 'revoked-key'
  | 'key-expired'
  | 'not-a-member'
  | 'insufficient-role'
  | 'last-owner'
  | 'invite-not-authorized'
  | 'invite-expired'
  | 'invite-exhausted'
  | 'invite-revoked'
  | 'unknown-member'
  | 'not-your-key'
  | 'duplicate-genesis'
  | 'origin-not-allowed'
  | 'bad-origins'
  | 'origin-in-use'
  | 'not-anchored'
  | 'same-app'
  | 'relay-cannot-write'
  | 'relay-cannot-govern'
  /** A clear `delta` in an encrypted context (its genesis sealed an epoch key). */
  | 'must-encrypt'
  /** A sealed delta not under the epoch key of its past, or a rotation to another epoch than the next. */
  | 'wrong-epoch'
  /** A grant of a key no key op in its past made. */
  | 'unknown-epoch'
  /**
   * A rotation not sealed to exactly the box keys entitled at its parents, or a grant (without
   * an invite) to a box key not entitled there.
   */
  | 'wrong-recipients'
  /** A `join` or `add-device` registering, or an invite grant naming, a box key already another root's device's or another invite's. */
  | 'box-key-in-use'
  /** A second grant to an invite: its first grant recorded what the invite is entitled to. */
  | 'invite-already-granted';

export interface Refusal {
  reason: RuleRefusal;
  message: string;
}

/** The role an op's author needs. */
export function requiredRole(op: CheckedOp): Role {
  switch (op.op.body.kind) {
    case 'set-role':
    case 'remove':
    case 'revoke-invite':
    case 'set-app':
      return 'admin';
    case 'delta':
    case 'sealed-delta':
      return 'writer';
    case 'leave':
    case 'add-device':
    case 'revoke-key':
      // Every member, a relay too, may leave and manage its own keys: a demotion to relay
      // leaves a concurrent leave or key renewal standing. The only ops a relay may sign
      // (`relayRefusal` says why any other is refused).
      return 'relay';
    case 'set-origins':
      // Allowing a site lets delegations phished there act for every member, owners too.
      return 'owner';
    case 'rotate-epoch':
      // Keeping readers out keeps the widest, least trusted role from posting keys nobody
      // honest can open (a rotation of garbage boxes stops every write). A reader's own
      // revocation or leave is answered by a writer: before that writer's next write, else
      // after a short delay (docs/decisions/epoch-keys.md).
      return KEY_OP_ROLE;
    case 'grant-epoch':
      // A grant to an invite extends who reads to whoever holds its link: an inviter's act.
      return op.op.body.invite ? 'admin' : KEY_OP_ROLE;
    default:
      return 'reader';
  }
}

/** The root an op acts for: its embedded delegation's, or its author key's as registered. */
export function authorRoot(op: CheckedOp, s: GovState): RootId | undefined {
  return op.delegation?.root ?? s.keys.get(op.author)?.root;
}

/**
 * The site the author key's delegation was signed for: its embedded delegation's, or as
 * registered. Undefined for local roots' keys, which no site can phish.
 */
export function authorOrigin(op: CheckedOp, s: GovState): string | undefined {
  return op.delegation ? op.origin : s.keys.get(op.author)?.origin;
}

const no = (reason: RuleRefusal, message: string): Refusal => ({ reason, message });

/**
 * Judge an op against the governance state of its causal past. Returns why it is refused,
 * or undefined when the rules allow it. Pure; does not change `s`.
 */
export function judge(c: CheckedOp, s: GovState): Refusal | undefined {
  const { body, time } = c.op;
  const genesisOrigin = body.kind === 'genesis' && s.members.size === 0 ? originRefusal(c.origin, new Set(body.origins)) : undefined;
  if (genesisOrigin) return no('origin-not-allowed', `the owner's delegation was ${genesisOrigin}`);
  if (body.kind === 'genesis') return s.members.size > 0 ? no('duplicate-genesis', 'the context already has a genesis') : undefined;

  // The author key: registered by this op (add-device, join) or earlier.
  const selfRegistering = body.kind === 'add-device' || body.kind === 'join';
  const key = selfRegistering ? keyInfoFrom(c.delegation!) : s.keys.get(c.author);
  if (!key) return no('unknown-key', 'the author key was never introduced to this context');
  if (s.revokedKeys.has(c.author)) return no('revoked-key', 'the author key was revoked');
  if (time >= key.expiresAt || time + DELEGATION_LIMITS.clockSkewMs < key.issuedAt) {
    return no('key-expired', "the op is dated outside its author key's delegation");
  }
  // At the op's causal point: a key registered from a site removed since can no longer act.
  const foreign = originRefusal(authorOrigin(c, s), s.origins);
  if (foreign) return no('origin-not-allowed', `the author key's delegation was ${foreign}`);
  const root = key.root;
  const member = s.members.get(root);

  if (body.kind === 'join') {
    const invite = c.invite!;
    const notAuthorized = inviterRefusal(s, toHex(invite.claims.inviterKey), invite.claims.role);
    if (notAuthorized) return no('invite-not-authorized', notAuthorized);
    if (time >= invite.claims.expiresAt) return no('invite-expired', 'the invite had expired when it was used');
    if (s.revokedInvites.has(invite.id)) return no('invite-revoked', 'the invite was revoked');
    if ((s.inviteUses.get(invite.id) ?? 0) >= invite.claims.maxUses) return no('invite-exhausted', 'the invite was used up');
    return boxKeyInUse(s, hexOf(body.boxKey), root);
  }

  if (!member) return no('not-a-member', `${root} is not a member`);
  const relayRefused = isRelay(member.role) ? relayRefusal(c) : undefined;
  if (relayRefused) return relayRefused;
  const needed = requiredRole(c);
  if (!atLeast(member.role, needed)) return no('insufficient-role', `a ${member.role} cannot do this (needs ${needed})`);

  switch (body.kind) {
    case 'set-role':
    case 'remove': {
      const target = s.members.get(body.member);
      if (!target) return no('unknown-member', `${body.member} is not a member`);
      if (member.role !== 'owner') {
        const newRole = body.kind === 'set-role' ? body.role : 'reader';
        if (atLeast(target.role, 'admin') || atLeast(newRole, 'admin')) {
          return no('insufficient-role', 'only owners change or remove admins and owners, or make them');
        }
      }
      const demotesOwner = target.role === 'owner' && (body.kind === 'remove' || body.role !== 'owner');
      if (demotesOwner && ownerCount(s) <= 1) return no('last-owner', 'a context keeps at least one owner');
      return undefined;
    }
    case 'add-device':
      return boxKeyInUse(s, hexOf(body.boxKey), root);
    case 'leave':
      if (member.role === 'owner' && ownerCount(s) <= 1) return no('last-owner', 'the last owner cannot leave');
      return undefined;
    case 'revoke-key': {
      const revoked = c.revocation!;
      const target = s.keys.get(toHex(revoked.clientKey));
      if (target && target.root !== revoked.root) return no('not-your-key', 'the revoked key does not belong to the root that revoked it');
      // A key this context has not seen yet may be revoked ahead of time (only by a member
      // root, for itself): a lost device must not be able to join later with it.
      if (!target && !s.members.has(revoked.root)) return no('not-your-key', 'only a member root revokes keys this context has not seen');
      return undefined;
    }
    case 'anchored-revoke-key':
      return judgeChainRevocation(c, s);
    case 'set-app':
      return bytesEqual(body.appId, s.appId) ? no('same-app', 'the context already runs this app') : undefined;
    case 'delta':
      return s.epochKey ? no('must-encrypt', 'this context is encrypted: a state delta must be sealed under its epoch key') : undefined;
    case 'sealed-delta': {
      if (!s.epochKey) return no('wrong-epoch', 'this context is not encrypted: it has no epoch key to seal under');
      const keyOp = toHex(body.keyOp);
      if (keyOp !== s.epochKey.op) return no('wrong-epoch', `sealed under the key of ${keyOp.slice(0, 12)}…, but the epoch key of its past is ${s.epochKey.op.slice(0, 12)}… (epoch ${s.epochKey.epoch})`);
      return undefined;
    }
    case 'rotate-epoch': {
      if (!s.epochKey) return no('wrong-epoch', 'this context is not encrypted: it has no epochs to rotate');
      if (body.epoch !== s.epochKey.epoch + 1) return no('wrong-epoch', `a rotation makes epoch ${s.epochKey.epoch + 1} here, not ${body.epoch}`);
      return rotationRecipientsRefusal(recipientKeys(body.boxes).keys, entitledBoxKeys(s, time));
    }
    case 'grant-epoch': {
      if (!s.epochKeys.has(toHex(body.keyOp))) return no('unknown-epoch', 'no valid key op in its past made the key it grants');
      if (c.grantInvite) return judgeInviteGrant(c.grantInvite, root, s);
      const entitled = entitledBoxKeys(s, time);
      // The first stray box key settles it: a junk grant is re-judged on every rebuild.
      for (const to of recipientKeys(body.boxes).keys) {
        if (!entitled.has(to)) return no('wrong-recipients', `a grant seals a key only to box keys entitled to it at its parents (members' devices, open granted invites); ${to.slice(0, 12)}… is not`);
      }
      return undefined;
    }
    case 'set-origins': {
      const missing = body.remove.find((o) => !s.origins.has(o));
      if (missing) return no('bad-origins', `${missing} is not an allowed origin`);
      const present = body.add.find((o) => s.origins.has(o));
      if (present) return no('bad-origins', `${present} is already allowed`);
      if (s.origins.size + body.add.length - body.remove.length > ORIGIN_LIMITS.perContext) {
        return no('bad-origins', `a context allows at most ${ORIGIN_LIMITS.perContext} origins`);
      }
      const mine = authorOrigin(c, s);
      if (mine !== undefined && body.remove.includes(mine)) {
        return no('origin-in-use', `this device signed in through ${mine}: allow the new site, sign in there, then remove this one`);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Apply an allowed governance op to `s` (in place). Deltas change nothing here. */
export function apply(c: CheckedOp, s: GovState): void {
  const body = c.op.body;
  switch (body.kind) {
    case 'genesis':
      s.name = body.name;
      s.appId = body.appId;
      s.verifiable = body.verifiable;
      s.origins = new Set(body.origins);
      if (body.anchor) s.anchor = bindingOf(body.anchor);
      s.members.set(c.delegation!.root, { role: 'owner' });
      registerKey(c, s, hexOf(body.boxKey));
      if (body.epochBox && body.boxKey) {
        s.epochKey = { op: c.key, epoch: 0 };
        s.epochKeys.set(c.key, { epoch: 0, reached: { to: new Set([toHex(body.boxKey)]) } });
      }
      return;
    case 'add-device':
      registerKey(c, s, hexOf(body.boxKey));
      return;
    case 'join': {
      const invite = c.invite!;
      registerKey(c, s, hexOf(body.boxKey));
      const root = c.delegation!.root;
      if (!s.members.has(root)) s.members.set(root, { role: invite.claims.role });
      s.inviteUses.set(invite.id, (s.inviteUses.get(invite.id) ?? 0) + 1);
      s.joinedWith.set(root, [...(s.joinedWith.get(root) ?? []), invite.id]);
      return;
    }
    case 'remove':
      // The removed member still holds the links it joined with: their remaining uses die.
      for (const id of s.joinedWith.get(body.member) ?? []) s.revokedInvites.add(id);
      s.joinedWith.delete(body.member);
      s.members.delete(body.member);
      return;
    case 'set-role':
      s.members.set(body.member, { role: body.role });
      return;
    case 'leave': {
      const root = s.keys.get(c.author)?.root;
      if (root) s.members.delete(root);
      return;
    }
    case 'revoke-key':
      s.revokedKeys.add(toHex(c.revocation!.clientKey));
      return;
    case 'anchored-revoke-key':
      // Terminal like the chain's: a revoked key is never registered again (judge checks revokedKeys).
      s.revokedKeys.add(toHex(body.clientKey));
      return;
    case 'revoke-invite':
      s.revokedInvites.add(toHex(body.invite));
      return;
    case 'set-app':
      s.appId = body.appId;
      return;
    case 'set-origins':
      for (const o of body.remove) s.origins.delete(o);
      // Concurrent additions may together pass the bound: the later ones (canonical order) are dropped.
      for (const o of body.add) if (s.origins.size < ORIGIN_LIMITS.perContext) s.origins.add(o);
      return;
    case 'rotate-epoch':
      // The op's own set (read once per op), shared by every state: nothing is copied per rebuild.
      s.epochKeys.set(c.key, { epoch: body.epoch, reached: { to: recipientKeys(body.boxes).keys } });
      s.epochKey = newerKey(s.epochKey, { op: c.key, epoch: body.epoch });
      return;
    case 'grant-epoch': {
      const keyOp = toHex(body.keyOp);
      const info = s.epochKeys.get(keyOp)!;
      // A new link onto the shared list: states of other causal pasts may hold the old one.
      s.epochKeys.set(keyOp, { epoch: info.epoch, reached: { to: recipientKeys(body.boxes).keys, earlier: info.reached } });
      const invite = c.grantInvite;
      // Concurrent grants of one invite carry the same signed claims (the id hashes them): the first stays.
      if (invite?.claims.boxKey && !s.grantedInvites.has(invite.id)) {
        const { claims } = invite;
        const boxKey = toHex(claims.boxKey!);
        s.grantedInvites.set(invite.id, { boxKey, expiresAt: claims.expiresAt, maxUses: claims.maxUses, inviterKey: toHex(claims.inviterKey), role: claims.role });
        if (!s.boxKeyOwners.has(boxKey)) s.boxKeyOwners.set(boxKey, { invite: invite.id });
      }
      return;
    }
    case 'delta':
    case 'sealed-delta':
      return;
  }
}

/**
 * Why a relay may not sign this op, if it may not. A relay syncs, stores and forwards; it
 * signs only the ops `requiredRole` allows a relay: `leave`, and the hygiene of its own
 * root's keys (`add-device` for a renewed or rotated key, `revoke-key`), which an always-on
 * node needs (delegations expire) and which change nothing for anyone else. This only names
 * the refusal (write or govern); which ops is `requiredRole`'s to say.
 */
function relayRefusal(c: CheckedOp): Refusal | undefined {
  if (requiredRole(c) === 'relay') return undefined;
  const kind = c.op.body.kind;
  if (isDeltaKind(kind)) return no('relay-cannot-write', 'a relay stores and forwards ops but cannot write state');
  return no('relay-cannot-govern', `a relay may only leave or manage its own keys, not sign a ${kind} op`);
}

function hexOf(bytes: Uint8Array | undefined): string | undefined {
  return bytes && toHex(bytes);
}

/** A key registering op's client key, and its box key's owner (the first stays: concurrent registrations by two roots keep the earlier in canonical order). */
function registerKey(c: CheckedOp, s: GovState, boxKey: string | undefined): void {
  s.keys.set(c.author, keyInfoFrom(c.delegation!, c.origin, boxKey));
  if (boxKey !== undefined && !s.boxKeyOwners.has(boxKey)) s.boxKeyOwners.set(boxKey, { root: c.delegation!.root });
}

/**
 * A box key belongs to one root's devices (a device keeps it across client key rotations) or
 * to one invite. Registering another's would keep it entitled after its owner is removed: no
 * rotation would cut the removed owner off.
 */
function boxKeyInUse(s: GovState, boxKey: string | undefined, root: RootId | undefined): Refusal | undefined {
  const owner = boxKey === undefined ? undefined : s.boxKeyOwners.get(boxKey);
  if (!owner || (root !== undefined && owner.root === root)) return undefined;
  return no('box-key-in-use', owner.root ? 'the box key is already registered to a device of another member' : 'the box key is already the box key of a granted invite');
}

/**
 * A rotation seals its key to exactly who is entitled at its parents (`entitledBoxKeys` at the
 * op's time): no one left out (a rotation nobody honest can open stops every write), no one
 * extra. Whether each box really opens is for the recipient to find: no rule can see it.
 */
function rotationRecipientsRefusal(to: ReadonlySet<string>, entitled: ReadonlySet<string>): Refusal | undefined {
  let missing = 0;
  for (const k of entitled) if (!to.has(k)) missing++;
  const extra = to.size - (entitled.size - missing);
  if (!missing && !extra) return undefined;
  return no('wrong-recipients', `a rotation seals the new key to exactly the ${entitled.size} box keys entitled at its parents; this one leaves out ${missing} and adds ${extra}`);
}

/**
 * A grant to an invite: by the inviter's own root, which may still make that invite at the
 * grant's parents (the rule a join with it meets), for an invite that is still open and was
 * not granted before, whose box key is nobody else's. The invite's signature, expiry at the
 * op's time, context and box were checked with the op (`checkIntrinsic`).
 */
function judgeInviteGrant(invite: Invite & { id: string }, root: RootId, s: GovState): Refusal | undefined {
  const inviterKey = toHex(invite.claims.inviterKey);
  if (s.keys.get(inviterKey)?.root !== root) return no('invite-not-authorized', "an invite is granted a key by its inviter's own root");
  const notAuthorized = inviterRefusal(s, inviterKey, invite.claims.role);
  if (notAuthorized) return no('invite-not-authorized', notAuthorized);
  if (s.revokedInvites.has(invite.id)) return no('invite-revoked', 'the invite was revoked');
  if ((s.inviteUses.get(invite.id) ?? 0) >= invite.claims.maxUses) return no('invite-exhausted', 'the invite was used up');
  if (s.grantedInvites.has(invite.id)) return no('invite-already-granted', 'the invite was granted a key before: a missing key reaches it through an ordinary grant');
  return boxKeyInUse(s, toHex(invite.claims.boxKey!), undefined);
}

/** State deltas (clear or sealed) are judged alone; everything else changes governance. */
export function isGovernance(c: CheckedOp): boolean {
  return !isDeltaKind(c.op.body.kind);
}

/** Ops that only move epoch keys: governance for the rules, but they change no member, role or setting. */
export function isEpochKeyOp(c: CheckedOp): boolean {
  return c.op.body.kind === 'rotate-epoch' || c.op.body.kind === 'grant-epoch';
}

export function isDeltaKind(kind: CheckedOp['op']['body']['kind']): kind is 'delta' | 'sealed-delta' {
  return kind === 'delta' || kind === 'sealed-delta';
}

/**
 * An imported on-chain revocation (its evidence was checked on chain by the intrinsic gate).
 * The author only carries it: any member may. The chain vouched for `by` as an admin; a
 * self-claimed one counts only from the key's own Ethereum root. A key already revoked is
 * fine: several members import the same event, and none of them should be refused for it.
 */
function judgeChainRevocation(c: CheckedOp, s: GovState): Refusal | undefined {
  const evidence = c.chainRevocation;
  if (!evidence) return no('not-anchored', 'the on-chain revocation was not checked on chain');
  if (!s.anchor) return no('not-anchored', 'the context is not anchored to a chain');
  if (evidence.asAdmin || s.revokedKeys.has(evidence.clientKey)) return undefined;
  const target = s.keys.get(evidence.clientKey);
  if (!target) return no('not-your-key', 'a revocation by a key owner names a key this context has not seen, so its owner cannot be checked');
  const root = parseRootId(target.root);
  if (root.kind !== 'ethereum' || !sameAddress(root.address, evidence.by)) {
    return no('not-your-key', `the key belongs to ${target.root}, not to ${evidence.by}, which revoked it on chain without being an admin`);
  }
  return undefined;
}
