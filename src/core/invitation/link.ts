import { fromBase64url, toBase64url } from '../codec/index.ts';
import { inviteCodec, type Invite } from './invite.ts';

/** Text that is not an invite link, or an invite that does not decode. */
export class InviteLinkError extends Error {
  override readonly name = 'InviteLinkError';
}

export const JOIN_PATH = '/join';

/**
 * The link people share. The invite lives in the fragment (after `#`), which browsers
 * never send to a server: neither the web server nor signaling learns it.
 */
export function inviteLink(origin: string, invite: Invite): string {
  return `${origin.replace(/\/$/, '')}${JOIN_PATH}#${toBase64url(inviteCodec.encode(invite))}`;
}

/** Read an invite from a whole link, a `#fragment`, or the bare encoded invite. */
export function parseInviteLink(text: string): Invite {
  const trimmed = text.trim();
  const fragment = trimmed.includes('#') ? trimmed.slice(trimmed.indexOf('#') + 1) : trimmed;
  if (!fragment) throw new InviteLinkError('the link has no invite in it (nothing after #)');
  let bytes: Uint8Array;
  try {
    bytes = fromBase64url(fragment);
  } catch {
    throw new InviteLinkError('the invite in the link is damaged (not base64url): was it copied whole?');
  }
  try {
    return inviteCodec.decode(bytes);
  } catch (e) {
    throw new InviteLinkError(`the invite in the link is damaged: ${(e as Error).message}`);
  }
}
