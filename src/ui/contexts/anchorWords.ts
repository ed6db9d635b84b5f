import type { AnchorsView, AnchorStatus } from '../../node/anchors/view.ts';

/** A context's standing against its chain anchor, in words (the anchors panel, the dashboard); the status is the tooltip. */
const STATUS_TEXT: Record<AnchorStatus, string> = {
  unregistered: 'not registered on chain yet',
  unanchored: 'registered, no anchor yet',
  'in-sync': 'in sync',
  behind: 'behind: changes here are not anchored yet',
  'awaiting-history': 'waiting for the anchored history to arrive',
  withheld: 'WITHHELD HISTORY',
  mismatch: 'MEMBERSHIP MISMATCH',
  fork: 'FORK',
};

export function plainAnchorStatus(status: AnchorStatus): string {
  return STATUS_TEXT[status];
}

/** Whether this node reads the binding's chain, in words. */
const CHAIN_TEXT: Record<AnchorsView['chain']['state'], string> = {
  reading: 'reading the chain',
  'no-rpc': 'no chain connection set up (Settings)',
  'other-chain': 'bound to a chain this node is not set up to read',
  unreachable: 'the chain cannot be reached now',
};

export function plainChainState(state: AnchorsView['chain']['state']): string {
  return CHAIN_TEXT[state];
}
