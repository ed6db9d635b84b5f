import type { OpKind } from '../../core/ops/op.ts';

/**
 * What each kind of op did, as people say it (the audit log, refused ops): typed against the
 * op kinds, so a new kind without words fails the typecheck. The kind stays the tooltip.
 */
const OP_KINDS = {
  genesis: 'Context created',
  'add-device': 'Device added',
  join: 'Joined',
  'set-role': 'Role changed',
  remove: 'Member removed',
  leave: 'Left',
  'revoke-key': 'Device revoked',
  'revoke-invite': 'Invite revoked',
  'anchored-revoke-key': 'Device revoked on chain',
  delta: 'Change',
  'set-origins': 'Sites changed',
  'set-app': 'App changed',
  'rotate-epoch': 'Encryption key renewed',
  'grant-epoch': 'Encryption key shared',
  'sealed-delta': 'Change (encrypted)',
} satisfies Record<OpKind, string>;

/** What someone tried to do with each kind of op, after "tried to …" (alerts of refused attempts). */
const ATTEMPTS = {
  genesis: 'start the context again',
  'add-device': 'add a device',
  join: 'join',
  'set-role': 'change a member’s role',
  remove: 'remove a member',
  leave: 'leave',
  'revoke-key': 'revoke a device',
  'revoke-invite': 'revoke an invite',
  'anchored-revoke-key': 'revoke a device by its chain record',
  delta: 'change the shared data',
  'set-origins': 'change the sites the context allows',
  'set-app': 'change the app',
  'rotate-epoch': 'renew the encryption key',
  'grant-epoch': 'share the encryption key',
  'sealed-delta': 'change the shared data',
} satisfies Record<OpKind, string>;

/** "tried to …": an op kind as an attempt ("set-origins" → "change the sites the context allows"). */
export function attemptedOpKind(kind: string): string {
  return Object.hasOwn(ATTEMPTS, kind) ? ATTEMPTS[kind as OpKind] : 'make a change';
}

/** An op's kind in plain words ("rotate-epoch" → "Encryption key renewed"). */
export function plainOpKind(kind: string): string {
  // Kinds arrive as strings (views, peers): an unknown one still reads as words.
  return Object.hasOwn(OP_KINDS, kind) ? OP_KINDS[kind as OpKind] : 'Other change';
}
