import { fromBase64url, toBase64url } from '../../src/core/codec/index.ts';
import { InviteLinkError, parseInviteLink } from '../../src/core/invitation/link.ts';
import { inviteCodec, type Invite } from '../../src/core/invitation/invite.ts';
import { contextSamples } from '../samples/context.ts';
import { bytesEqual } from '../../src/core/crypto/index.ts';
import type { FuzzTarget } from '../target.ts';
import { tokens } from '../tokens.ts';

/*
 * The text people paste or open. A fuzz input's first byte picks a form, the rest is
 * either an encoded invite (so mutations reach the codec behind the base64url) or, in the
 * last form, the text itself:
 *   0 a whole link   1 "#" and the fragment   2 the bare fragment   3 raw text (UTF-8)
 */
const FORMS = 4;
const ORIGIN = 'https://tabnode.example/join';
const utf8 = new TextDecoder();

function linkText(input: Uint8Array): string {
  const form = (input[0] ?? 0) % FORMS;
  const rest = input.subarray(1);
  if (form === 3) return utf8.decode(rest);
  const fragment = toBase64url(rest);
  return form === 0 ? `${ORIGIN}#${fragment}` : form === 1 ? `#${fragment}` : fragment;
}

function carriedBytes(input: Uint8Array): Uint8Array {
  if ((input[0] ?? 0) % FORMS !== 3) return input.subarray(1);
  const text = linkText(input).trim();
  return fromBase64url(text.slice(text.indexOf('#') + 1));
}

export const inviteLinkTarget: FuzzTarget<Invite> = {
  name: 'invite-link',
  decoder: 'parseInviteLink (src/core/invitation/link.ts)',
  async seeds() {
    const invites = (await contextSamples()).invites;
    return invites.flatMap((bytes) => [
      ...[0, 1, 2].map((form) => Uint8Array.of(form, ...bytes)),
      Uint8Array.of(3, ...new TextEncoder().encode(` ${ORIGIN}#${toBase64url(bytes)}\n`)),
    ]);
  },
  maxInputBytes: 8 * 1024,
  dictionary: tokens('#', 'https://', '/join#', ' ', '\n', '=', '+', '/', '-', '_', 'MAE'),
  decode: (input) => parseInviteLink(linkText(input)),
  isRefusal: (error) => error instanceof InviteLinkError,
  check(invite, input) {
    // The invite re-encodes to exactly the bytes the link carried.
    return bytesEqual(inviteCodec.encode(invite), carriedBytes(input)) ? undefined : 'the invite re-encodes to other bytes than the link carried';
  },
};
