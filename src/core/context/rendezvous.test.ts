import { expect, test } from 'vitest';
import { toBase58 } from '../codec/index.ts';
import { rendezvous } from './rendezvous.ts';
import { inviteLink, parseInviteLink, InviteLinkError } from '../invitation/index.ts';
import { invite, genesis, person } from './testkit.ts';

test('the room name depends on context, secret and epoch, and reveals neither id nor secret', () => {
  const ctx = new Uint8Array(32).fill(1);
  const secret = new Uint8Array(32).fill(2);
  const r = rendezvous(ctx, secret);
  expect(r.room).toMatch(/^tabnode-[1-9A-HJ-NP-Za-km-z]+$/);
  expect(r.room).not.toContain(toBase58(ctx));
  expect(rendezvous(ctx, secret, 1).room).not.toBe(r.room);
  expect(rendezvous(ctx, new Uint8Array(32).fill(3)).room).not.toBe(r.room);
  expect(r.password).not.toBe(rendezvous(ctx, secret, 1).password);
});

test('invite links round-trip and damaged ones say so', async () => {
  const a = await person('A', 1);
  const g = await genesis(a);
  const inv = await invite(a.device, g.id);
  const link = inviteLink('http://127.0.0.1:8080/', inv);
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:8080\/join#[A-Za-z0-9_-]+$/);
  expect(parseInviteLink(link)).toEqual(inv);
  expect(parseInviteLink(link.split('#')[1]!)).toEqual(inv);
  expect(() => parseInviteLink('http://x/join')).toThrow(InviteLinkError);
  expect(() => parseInviteLink(link.slice(0, -10))).toThrow(/damaged/);
  expect(() => parseInviteLink('http://x/join#***')).toThrow(/base64url/);
});
