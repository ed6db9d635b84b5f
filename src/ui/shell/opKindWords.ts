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

/** An op's kind in plain words ("rotate-epoch" → "Encryption key renewed"). */
export function plainOpKind(kind: string): string {
  // Kinds arrive as strings (views, peers): an unknown one still reads as words.
  return Object.hasOwn(OP_KINDS, kind) ? OP_KINDS[kind as OpKind] : 'Other change';
}
