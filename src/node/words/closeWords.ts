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
  if (match[1] === 'peer left') return `${cause.words}: ${describe(rest, names)}`;
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
