import type { RefusalCode } from '../../core/context/replica.ts';
import { sentence } from './wording.ts';

/** What a person is told, and the technical detail kept for whoever debugs (shown folded). */
export interface Plain {
  text: string;
  detail?: string;
}

/**
 * The rule refusals an op this node made can meet (src/core/governance/rules.ts and the gate's
 * reasons) in plain words, keyed by their codes (a misspelt code fails the typecheck).
 */
const REFUSALS = {
  'not-a-member': 'You are not a member of this context any more, so members refuse your changes.',
  'insufficient-role': 'Your role in this context does not allow this.',
  'last-owner': 'A context needs at least one owner: make someone else an owner first.',
  'revoked-key': "This device's key was revoked, so members refuse what it signs. Sign in again to get a new one.",
  'unknown-key': 'Members do not know this device yet. Wait until it has synced, then try again.',
  'key-expired': "This device's delegation has expired. Renew it on the Identity page.",
  'unknown-member': 'That person is no longer a member.',
  'origin-not-allowed': 'This device signed in on a site this context does not allow. Sign in on an allowed site.',
  'origin-in-use': 'This device signed in through that site: allow the new site and sign in there first.',
  'bad-origins': 'That change to the allowed sites does not fit the current list.',
  'invite-not-authorized': 'The invite was not made by a current admin or owner.',
  'invite-expired': 'The invite had expired.',
  'invite-exhausted': 'The invite has been used up.',
  'invite-revoked': 'The invite was revoked.',
  'same-app': 'The context already runs this app.',
  'relay-cannot-write': 'A relay keeps and forwards a copy of the context; it cannot write.',
  'relay-cannot-govern': 'A relay keeps and forwards a copy of the context; the only change it may make is to leave.',
} satisfies Partial<Record<RefusalCode, string>>;

/** A refusal by the rules (an op outcome's reason and message) as a person reads it. */
export function plainRefusal(reason: string | undefined, message: string | undefined): Plain {
  // Codes arrive as strings: only the table's own keys count ('constructor' is not a refusal).
  const text = reason && Object.hasOwn(REFUSALS, reason) ? REFUSALS[reason as keyof typeof REFUSALS] : 'Members refused this change.';
  const detail = [reason, message].filter(Boolean).join(': ');
  return detail ? { text, detail } : { text };
}

/** Errors from inside the code (bugs, malformed bytes): their messages are not for people. */
const INTERNAL = new Set(['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EncodeError', 'TextEncodingError']);

/**
 * A thrown error as a person reads it. The app's typed errors say what to do in their
 * message, shown as a sentence; codec and internal errors become plain words, with the
 * original kept as the detail.
 */
export function plainError(e: unknown): Plain {
  const error = e instanceof Error ? e : new Error(String(e));
  const detail = `${error.name}: ${error.message}`;
  if (error.name === 'DecodeError') return { text: 'This data is damaged or not from Tabnode (a link cut short, or pasted from elsewhere).', detail };
  if (error.name === 'StateLayoutError') return { text: sentence(`that value cannot be stored: ${error.message}`), detail };
  if (INTERNAL.has(error.name)) return { text: 'Something went wrong on this device. Reloading the page may help.', detail };
  return { text: sentence(error.message) };
}
