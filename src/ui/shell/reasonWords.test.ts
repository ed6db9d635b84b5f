import { expect, test } from 'vitest';
import { plainReason } from './reasonWords.ts';

test('refusal codes read as plain words; an unknown code still reads as words', () => {
  expect(plainReason('insufficient-role')).toBe('Role does not allow it');
  expect(plainReason('not-admitted')).toBe('From a peer not admitted');
  expect(plainReason('something-new')).toBe('Refused by the rules');
  for (const code of ['not-a-member', 'revoked-key', 'unknown-key', 'over-budget', 'bad-signature', 'removed-concurrently']) {
    expect(plainReason(code)).not.toMatch(/-/);
  }
});
