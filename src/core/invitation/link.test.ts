import { describe, expect, test } from 'vitest';
import { fromBase64url, toBase64url } from '../codec/index.ts';
import { seedSigner } from '../crypto/index.ts';
import { inviteCodec, signInvite, type InviteClaims } from './invite.ts';
import { InviteLinkError, inviteLink, parseInviteLink, readInviteLink } from './link.ts';

async function sampleInvite(boxKey?: Uint8Array) {
  const signer = await seedSigner(new Uint8Array(32).fill(3));
  const claims: Omit<InviteClaims, 'inviterKey'> = {
    context: new Uint8Array(32).fill(1),
    contextName: 'Shared',
    role: 'writer',
    expiresAt: 2_000_000_000_000,
    maxUses: 1,
    secret: new Uint8Array(32).fill(7),
    signaling: ['wss://signal.example'],
    nonce: new Uint8Array(16).fill(2),
    ...(boxKey && { boxKey }),
  };
  return signInvite(signer, claims);
}

describe('invite links', () => {
  test('an invite with a box key travels with its box secret, and reads back whole', async () => {
    const invite = await sampleInvite(new Uint8Array(32).fill(9));
    const secret = new Uint8Array(32).fill(5);
    const link = inviteLink('https://tabnode.example/', invite, secret);
    expect(link.startsWith('https://tabnode.example/join#')).toBe(true);
    const content = readInviteLink(link);
    expect(content.boxSecret).toEqual(secret);
    expect(inviteCodec.encode(content.invite)).toEqual(inviteCodec.encode(invite));
    expect(parseInviteLink(link.slice(link.indexOf('#')))).toEqual(content.invite);
  });

  test('an invite without a box key has no secret; a bare invite (older links) still reads', async () => {
    const invite = await sampleInvite();
    expect(readInviteLink(inviteLink('https://t.example', invite)).boxSecret).toBeUndefined();
    const bare = toBase64url(inviteCodec.encode(invite));
    expect(readInviteLink(`https://t.example/join#${bare}`)).toEqual({ invite: readInviteLink(bare).invite });
  });

  test('a box secret needs a box key; a box key may travel without its secret', async () => {
    const withKey = await sampleInvite(new Uint8Array(32).fill(9));
    expect(readInviteLink(inviteLink('https://t.example', withKey)).boxSecret).toBeUndefined();
    const without = await sampleInvite();
    expect(() => inviteLink('https://t.example', without, new Uint8Array(32))).toThrow(InviteLinkError);
  });

  test('damaged, foreign and future links fail with a reason', async () => {
    const link = inviteLink('https://t.example', await sampleInvite(new Uint8Array(32).fill(9)), new Uint8Array(32).fill(5));
    expect(() => readInviteLink('https://t.example/join#')).toThrow(/nothing after #/);
    expect(() => readInviteLink('https://t.example/join#***')).toThrow(/not base64url/);
    expect(() => readInviteLink(toBase64url(new Uint8Array([0x44, 1, 2])))).toThrow(/not an invite link/);
    const bytes = fromBase64url(link.slice(link.indexOf('#') + 1));
    expect(() => readInviteLink(toBase64url(bytes.subarray(0, 40)))).toThrow(/damaged/);
    bytes[1] = 2;
    expect(() => readInviteLink(toBase64url(bytes))).toThrow(/version 2.*version 1/);
  });
});
