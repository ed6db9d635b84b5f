import type { PeerInfo } from '../../core/sync/session.ts';
import type { PeerStanding } from '../../core/sync/handshake.ts';

/** A link's state as its badge says it; typed so a new state needs words. The state stays the tooltip. */
const LINK_STATES: Record<PeerInfo['state'], string> = {
  handshaking: 'Connecting',
  verified: 'Verified',
  refused: 'Not admitted',
  closed: 'Closed',
};

export function plainLinkState(state: PeerInfo['state']): string {
  return LINK_STATES[state];
}

/** What a verified peer is to this context. */
const STANDINGS: Record<PeerStanding | 'relay', string> = {
  member: 'member',
  invitee: 'joining with an invite',
  relay: 'relay',
};

export function plainStanding(standing: PeerStanding | 'relay'): string {
  return STANDINGS[standing];
}

/** A peer nothing names yet (before its handshake): never its link id. */
export const UNNAMED_PEER = 'A peer not identified yet';

// Why a link closed is worded with the node, whose alerts use it too.
export { plainCloseReason } from '../../node/words/closeWords.ts';
