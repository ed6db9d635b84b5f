import { expect, test } from 'vitest';
import { plainCloseReason } from './closeWords.ts';

const names = (text: string) => text.replaceAll('tabnode:local:bob', 'Bob laptop');

test("this node's own close reasons in words, the rules' sentence after them", () => {
  expect(plainCloseReason('protocol error: expected type 48, got 100 (at byte 0)', names)).toBe('It sent something this node cannot read');
  expect(plainCloseReason('refused: tabnode:local:bob is not a member', names)).toBe('Not admitted here — Bob laptop is not a member');
});

test("a peer's close reason is worded from its side, and its own text is never shown as this app's words", () => {
  expect(plainCloseReason('peer left: protocol error: expected type 48', names)).toBe('The peer closed the link: it could not read what this node sent');
  expect(plainCloseReason('peer left: refused: not a member', names)).toBe('The peer closed the link: it does not admit this device');
  expect(plainCloseReason('peer left: internal error: boom', names)).toBe('The peer closed the link: an error on its side');
  expect(plainCloseReason('peer left: node stopped', names)).toBe('The peer closed the link: it stopped syncing (its tab closed or signed out)');
  expect(plainCloseReason('peer left: Visit evil.example for a prize', names)).toBe('The peer closed the link');
});
