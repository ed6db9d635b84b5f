// A relay invite link, checked before any browser starts: where it points and that it can work.
import { toHex } from '../../src/core/crypto/index.ts';
import { checkInviteStandalone, InviteLinkError, JOIN_PATH, parseInviteLink } from '../../src/core/invitation/index.ts';

export interface RelayLink {
  /** The link as given: the page joins with it. */
  link: string;
  /** The Tabnode site that serves the app and its signaling, e.g. http://127.0.0.1:8080 */
  origin: string;
  contextId: string;
  contextName: string;
  expiresAt: number;
}

export class RelayLinkError extends Error {
  override name = 'RelayLinkError';
}

/**
 * Reads an invite link for this peer: a whole http(s) link to a Tabnode site's join page
 * (the site is where the peer runs the node), an invite that decodes, is signed, unexpired,
 * and makes a relay. Whether it is used up only the members can tell: the status line says so.
 */
export async function readRelayLink(text: string, now: number): Promise<RelayLink> {
  const shown = shorten(text);
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new RelayLinkError(`${shown} is not a link: pass the whole invite link, starting with http:// or https://`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RelayLinkError(`${shown} is not an http(s) link to a Tabnode site`);
  if (url.pathname !== JOIN_PATH || !url.hash) throw new RelayLinkError(`${shown} is not an invite link (expected ${url.origin}${JOIN_PATH}#…)`);
  let invite;
  try {
    invite = parseInviteLink(text);
  } catch (e) {
    throw new RelayLinkError(e instanceof InviteLinkError ? `${shown}: ${e.message}` : `${shown}: the invite does not decode; was the link copied whole?`);
  }
  const verdict = await checkInviteStandalone(invite, now);
  if (!verdict.ok) {
    const what = verdict.reason === 'expired' ? 'has expired' : 'is not valid';
    throw new RelayLinkError(`the invite to "${invite.claims.contextName}" ${what}: ${verdict.message}; ask an admin for a new relay invite`);
  }
  if (invite.claims.role !== 'relay') {
    throw new RelayLinkError(`the invite to "${invite.claims.contextName}" makes a ${invite.claims.role}, not a relay: a peer only relays; ask an admin for an invite with role Relay`);
  }
  return { link: text.trim(), origin: url.origin, contextId: toHex(invite.claims.context), contextName: invite.claims.contextName, expiresAt: invite.claims.expiresAt };
}

function shorten(text: string): string {
  const t = text.trim();
  return JSON.stringify(t.length > 60 ? `${t.slice(0, 57)}...` : t);
}
