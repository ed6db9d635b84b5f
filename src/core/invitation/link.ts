import { envelope, fixedBytes, fromBase64url, optional, struct, toBase64url } from '../codec/index.ts';
import { INVITE_LIMITS, inviteCodec, inviteSchema, type Invite } from './invite.ts';

/** Text that is not an invite link, or an invite that does not decode. */
export class InviteLinkError extends Error {
  override readonly name = 'InviteLinkError';
}

export const JOIN_PATH = '/join';

/**
 * What a link carries: the signed invite and, when the invite names a box key, its private
 * half (a link made without it still joins: the joiner then waits for a member's grant).
 */
export interface InviteLinkContent {
  invite: Invite;
  /** The raw X25519 private key of `invite.claims.boxKey`: opens the epoch keys granted to the invite. */
  boxSecret?: Uint8Array;
}

/**
 * The fragment's encoding, version 1: tag 0x31 (beside the invite's own 0x30), version 1,
 * then the invite and the optional 32-byte box secret. A bare invite (tag 0x30, links made
 * before box keys) still reads, with no box secret.
 */
const linkCodec = envelope<InviteLinkContent>(
  0x31,
  1,
  INVITE_LIMITS.encodedBytes + 64,
  struct({ invite: inviteSchema, boxSecret: optional(fixedBytes(32)) }),
);

/**
 * The link people share. The invite lives in the fragment (after `#`), which browsers
 * never send to a server: neither the web server nor signaling learns it, nor the box secret.
 */
export function inviteLink(origin: string, invite: Invite, boxSecret?: Uint8Array): string {
  if (boxSecret && !invite.claims.boxKey) throw new InviteLinkError('a box secret travels only with an invite that names a box key');
  const content: InviteLinkContent = boxSecret ? { invite, boxSecret } : { invite };
  return `${origin.replace(/\/$/, '')}${JOIN_PATH}#${toBase64url(linkCodec.encode(content))}`;
}

/** Read a link's content from a whole link, a `#fragment`, or the bare encoded payload. */
export function readInviteLink(text: string): InviteLinkContent {
  const trimmed = text.trim();
  const fragment = trimmed.includes('#') ? trimmed.slice(trimmed.indexOf('#') + 1) : trimmed;
  if (!fragment) throw new InviteLinkError('the link has no invite in it (nothing after #)');
  let bytes: Uint8Array;
  try {
    bytes = fromBase64url(fragment);
  } catch {
    throw new InviteLinkError('the invite in the link is damaged (not base64url): was it copied whole?');
  }
  if (bytes[0] === inviteCodec.tag) return { invite: decodeOr(() => inviteCodec.decode(bytes)) };
  if (bytes[0] !== linkCodec.tag) throw new InviteLinkError(`this is not an invite link (payload type ${bytes[0] ?? 'none'}): was it copied whole?`);
  if (bytes[1] !== linkCodec.version) {
    throw new InviteLinkError(`the invite link is in encoding version ${bytes[1] ?? 'none'}; this app reads version ${linkCodec.version}: open it with an up-to-date Tabnode`);
  }
  const content = decodeOr(() => linkCodec.decode(bytes));
  if (content.boxSecret && !content.invite.claims.boxKey) {
    throw new InviteLinkError('the invite link is damaged: it carries a box secret for an invite that names no box key');
  }
  return content.boxSecret ? content : { invite: content.invite };
}

/** Read the invite alone from a link (see `readInviteLink` for the box secret). */
export function parseInviteLink(text: string): Invite {
  return readInviteLink(text).invite;
}

function decodeOr<T>(decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    throw new InviteLinkError(`the invite in the link is damaged: ${(e as Error).message}`);
  }
}
