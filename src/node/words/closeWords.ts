import type { RefusalCode } from '../../core/sync/messages.ts';

/**
 * The prefixes core/sync/contextSync.ts puts before why it closed a link. What follows
 * `peer left:` is the peer's own reason; the rest are this node's.
 */
type CloseCause = 'peer left' | 'refused' | 'not allowed' | 'quota' | 'protocol error' | 'internal error';

/** Each cause in words, and whether the text after it is a sentence for people (else tooltip only). */
const CLOSE_CAUSES: Record<CloseCause, { words: string; detail: boolean }> = {
  'peer left': { words: 'the peer closed the link', detail: true },
  refused: { words: 'not admitted here', detail: true },
  'not allowed': { words: 'not allowed in', detail: true },
  quota: { words: 'cut off', detail: true },
  // Decoder and exception messages: technical, kept for the tooltip.
  'protocol error': { words: 'it sent something this node cannot read', detail: false },
  'internal error': { words: 'an error on this node', detail: false },
};

/** A cause as the peer said it, about this node: "protocol error" there means it could not read us. */
const PEER_SIDE: Record<CloseCause, string | undefined> = {
  'peer left': undefined,
  refused: 'it does not admit this device',
  'not allowed': 'it does not let this device in',
  quota: 'this node sent it more than it accepts',
  'protocol error': 'it could not read what this node sent',
  'internal error': 'an error on its side',
};

/** The reasons without a prefix an honest peer gives (core/sync/contextSync.ts), worded from its side. */
const PEER_PLAIN: readonly (readonly [RegExp, string])[] = [
  [/^node stopped$/, 'it stopped syncing (its tab closed or signed out)'],
  [/^the peer speaks protocol /, 'it runs another version of Tabnode: update the older one'],
  [/^this link is for another context$/, 'the link was for another context'],
  [/^the handshake did not finish/, 'this node took too long to prove its key'],
];

const CAUSE = /^(peer left|refused|not allowed|quota|protocol error|internal error): ([\s\S]*)$/;

/**
 * Why a link closed, in words: "Not admitted here — Bob laptop is not a member". `names`
 * puts names in place of ids in the peer's and the rules' sentences. The raw reason is
 * for the tooltip.
 */
export function plainCloseReason(reason: string | undefined, names: (text: string) => string): string {
  return capitalise(describe(reason ?? 'closed', names));
}

function describe(reason: string, names: (text: string) => string): string {
  const match = CAUSE.exec(reason);
  if (!match) return names(reason);
  const cause = CLOSE_CAUSES[match[1] as CloseCause];
  const rest = match[2]!;
  // The peer's own reason uses the same prefixes, but from its side: worded as its, and text
  // it chose (up to 200 characters) is never shown as this app's words — it stays the tooltip.
  if (match[1] === 'peer left') {
    const theirs = CAUSE.exec(rest);
    const side = theirs ? PEER_SIDE[theirs[1] as CloseCause] : PEER_PLAIN.find(([pattern]) => pattern.test(rest))?.[1];
    return side ? `${cause.words}: ${side}` : cause.words;
  }
  return cause.detail && rest ? `${cause.words} — ${names(rest)}` : cause.words;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Why a peer refuses this device, by the code it sent: what the person can do about it. */
const REFUSED_BY: Record<RefusalCode, string> = {
  'not-a-member': 'it does not count this identity as a member (any more): ask a member for an invite',
  'revoked-key': "this device's key was revoked: sign in again on this device, or use another",
  'bad-invite': 'it does not take the invite this device joins with (expired, used up or revoked): ask for a new link',
  'bad-origin': 'this site is not one the context allows: open Tabnode where the context is used',
  other: 'it does not admit this device',
};

export function plainRefusedBy(code: RefusalCode | undefined): string {
  return REFUSED_BY[code ?? 'other'];
}
