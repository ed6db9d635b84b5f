import { expect, test } from 'vitest';
import { attemptedOpKind, plainOpKind } from './opKindWords.ts';

test('op kinds read as plain words, never as the kind itself; an unknown kind still reads as words', () => {
  expect(plainOpKind('rotate-epoch')).toBe('Encryption key renewed');
  expect(plainOpKind('set-role')).toBe('Role changed');
  for (const kind of ['genesis', 'add-device', 'join', 'remove', 'revoke-key', 'revoke-invite', 'anchored-revoke-key', 'delta', 'set-origins', 'set-app', 'grant-epoch', 'sealed-delta']) {
    expect(plainOpKind(kind)).not.toMatch(/-|^Other change$/);
  }
  expect(plainOpKind('something-new')).toBe('Other change');
  expect(plainOpKind('toString')).toBe('Other change');
});

test('a refused attempt names what was tried for every op kind, the security-relevant ones included', () => {
  expect(attemptedOpKind('set-origins')).toBe('change the sites the context allows');
  expect(attemptedOpKind('revoke-key')).toBe('revoke a device');
  expect(attemptedOpKind('leave')).toBe('leave');
  expect(attemptedOpKind('constructor')).toBe('make a change');
});
