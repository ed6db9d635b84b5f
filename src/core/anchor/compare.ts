import type { AnchorRecord, ChainPosition, Hash32 } from './AnchorChain.ts';
import { opKeyOf } from './binding.ts';
import { anchorRecordHash } from './recordHash.ts';

/** What a node knows locally, as compareAnchor needs it (a replica provides each). Op keys are idKey hex. */
export interface AnchorLocalView {
  /** The op is here (history or refused). */
  has(key: string): boolean;
  /** The op is here and valid under this node's rules. */
  isValid(key: string): boolean;
  /** memberSetRoot() of the governance after the op, if it is valid history. */
  memberRootAt(key: string): Hash32 | undefined;
  /** The valid governance op last in canonical order. */
  latestGovernanceKey(): string | undefined;
  /**
   * Optional, and exact where latestGovernanceKey is a heuristic: how many valid governance
   * ops lie outside the op's causal past and itself (replica.governanceOutside).
   */
  governanceOutside?(key: string): number | undefined;
}

export type AnchorComparison =
  | { status: 'in-sync' }
  /** This node has governance ops after the anchored head that are not anchored yet. */
  | { status: 'behind' }
  /** The anchored head is not here yet, within the bound: fetch it. */
  | { status: 'awaiting-history' }
  /** Still not here after the bound: someone anchored history they do not share. */
  | { status: 'withheld'; message: string }
  | { status: 'mismatch'; local: Hash32; anchored: Hash32; message: string }
  /** The anchored head is here, but this node's rules refuse it: its governance forked away from the anchor. */
  | { status: 'fork'; message: string };

export interface CompareAnchorArgs {
  record: AnchorRecord;
  local: AnchorLocalView;
  /** How long this node has waited for the anchored head (since it read the anchor). */
  waitedMs: number;
  /** After this long a missing head is withheld history, not lag. */
  withheldAfterMs: number;
  /** Where the anchor is on chain, so alerts name the block and the transaction. */
  at?: ChainPosition;
  /** The anchor's seq, for messages. */
  seq?: bigint;
}

/** How an alert names an anchor: seq, block and transaction when known. */
export function describeAnchor(at?: ChainPosition, seq?: bigint): string {
  const parts = [seq !== undefined ? `anchor #${seq}` : 'the anchor'];
  if (at) parts.push(`(block ${at.blockNumber}, tx ${at.txHash})`);
  return parts.join(' ');
}

/**
 * Check this node's history against an anchor read from chain. Pure: the caller supplies
 * the clock (`waitedMs`) and the local view. The order of checks matters: a head not here
 * says nothing of membership; a head refused here is a fork whatever its member root.
 */
export function compareAnchor(args: CompareAnchorArgs): AnchorComparison {
  const { record, local } = args;
  const head = opKeyOf(record.govHead);
  const which = describeAnchor(args.at, args.seq);
  if (!local.has(head)) {
    if (args.waitedMs < args.withheldAfterMs) return { status: 'awaiting-history' };
    return {
      status: 'withheld',
      message: `withheld history: ${which} certifies governance op ${record.govHead}, which no peer has sent this node in ${Math.round(args.waitedMs / 1000)} s`,
    };
  }
  if (!local.isValid(head)) {
    return {
      status: 'fork',
      message: `fork: ${which} certifies governance op ${record.govHead}, which this node's rules refuse: its governance went another way than the anchored one`,
    };
  }
  const mine = local.memberRootAt(head);
  if (mine === undefined) {
    return { status: 'fork', message: `fork: ${which} certifies ${record.govHead}, which is not part of this node's history` };
  }
  if (mine.toLowerCase() !== record.memberRoot.toLowerCase()) {
    return {
      status: 'mismatch',
      local: mine,
      anchored: record.memberRoot,
      message: `membership mismatch: at ${record.govHead} this node's members hash to ${mine}, ${which} states ${record.memberRoot}`,
    };
  }
  const outside = local.governanceOutside?.(head);
  const behind = outside !== undefined ? outside > 0 : local.latestGovernanceKey() !== head;
  return behind ? { status: 'behind' } : { status: 'in-sync' };
}

/** One node's latest anchor of a context, as it read it from its RPC. */
export interface SeenAnchor {
  seq: bigint;
  record: AnchorRecord;
  at?: ChainPosition;
}

export type AnchorRecordComparison =
  | { status: 'same' }
  /** Different seq: one node has not read the latest yet; nothing to alert. */
  | { status: 'other-seq'; newer: 'a' | 'b' }
  /** One seq, two records: the nodes read different chains, or one RPC lies. */
  | { status: 'differ'; message: string };

/** Compare two nodes' anchors of one context: at one seq, the records must hash alike. */
export function compareAnchorRecords(a: SeenAnchor, b: SeenAnchor): AnchorRecordComparison {
  if (a.seq !== b.seq) return { status: 'other-seq', newer: a.seq > b.seq ? 'a' : 'b' };
  const ha = anchorRecordHash(a.record);
  const hb = anchorRecordHash(b.record);
  if (ha === hb) return { status: 'same' };
  return {
    status: 'differ',
    message: `two anchors #${a.seq} for this context: ${ha} ${describeAnchor(a.at)} here, ${hb} ${describeAnchor(b.at)} at the peer (different chains or a lying RPC)`,
  };
}
