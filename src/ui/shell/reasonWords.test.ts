import { expect, test } from 'vitest';
import { plainAlertKind, plainReason } from './reasonWords.ts';

test('refusal codes read as plain words; an unknown code still reads as words', () => {
  expect(plainReason('insufficient-role')).toBe('Role does not allow it');
  expect(plainReason('not-admitted')).toBe('From a peer not admitted');
  expect(plainReason('something-new')).toBe('Refused by the rules');
  for (const code of ['not-a-member', 'revoked-key', 'unknown-key', 'over-budget', 'bad-signature', 'removed-concurrently']) {
    expect(plainReason(code)).not.toMatch(/-/);
  }
});

test('every refusal code has words of its own, including the epoch-key ones; nothing inherited passes for a code', () => {
  for (const code of ['wrong-recipients', 'box-key-in-use', 'invite-already-granted', 'bad-box-key']) {
    expect(plainReason(code)).not.toBe('Refused by the rules');
    expect(plainReason(code)).not.toMatch(/-/);
  }
  expect(plainReason('constructor')).toBe('Refused by the rules');
});

test('alert kinds read as plain words', () => {
  expect(plainAlertKind('rejected-op')).toBe('Changes refused');
  expect(plainAlertKind('something-new')).toBe('Alert');
  for (const kind of ['divergence', 'refused-peer', 'join-failed', 'verification', 'quota', 'clock', 'anchor', 'app-integrity']) {
    expect(plainAlertKind(kind)).not.toMatch(new RegExp(`${kind}|^Alert$`));
  }
});
