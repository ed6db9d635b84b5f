import type { AnchorBinding, AnchorRecord, Hash32 } from '../../core/anchor/AnchorChain.ts';
import type { AnchorPolicy } from '../../core/anchor/policy.ts';

/** One confirmed anchor, as the Anchors panel lists it. */
export interface AnchorEntryView {
  seq: string;
  record: AnchorRecord;
  by: string;
  blockNumber: string;
  txHash: Hash32;
  /** Block time, ms since the epoch. */
  at: number;
}

/** How this node's governance compares with the latest confirmed anchor. */
export type AnchorStatus =
  /** Anchored to a context nobody registered yet. */
  | 'unregistered'
  /** Registered, no anchor yet. */
  | 'unanchored'
  | 'in-sync'
  /** This node has governance changes the chain has not seen. */
  | 'behind'
  /** The anchored head has not arrived here yet (still within the bound). */
  | 'awaiting-history'
  | 'withheld'
  | 'mismatch'
  | 'fork';

/** A transaction this node asked a wallet to make. */
export interface AnchorTxView {
  kind: 'register' | 'anchor' | 'revoke-key' | 'set-admin';
  state: 'signing' | 'pending' | 'confirmed' | 'failed';
  txHash?: Hash32;
  blockNumber?: string;
  gasUsed?: string;
  error?: string;
  attempts: number;
  at: number;
}

export interface AnchorsView {
  binding: AnchorBinding;
  /** Whether this node reads the binding's chain: `no-rpc` / `other-chain` say why not. */
  chain: { state: 'reading' | 'no-rpc' | 'other-chain' | 'unreachable'; message?: string; lastBlock?: string; checkedAt?: number };
  registered: boolean;
  status: AnchorStatus;
  statusMessage?: string;
  latest?: AnchorEntryView;
  /** Most recent first, bounded. */
  history: AnchorEntryView[];
  /** The app hash the registry holds, and whether this context's app matches it. */
  appHash?: Hash32;
  appMatches?: boolean;
  /** Client keys revoked on chain (hex), bounded. */
  revokedOnChain: string[];
  /** Who may anchor on chain (lowercase addresses, the owner first). */
  chainAdmins: string[];
  /**
   * What would make the admins on chain the context's Ethereum-rooted owner and admins:
   * addresses to add (`enabled`) or remove. Empty when they match.
   */
  adminChanges: { admin: string; enabled: boolean }[];
  txs: AnchorTxView[];
  policy: AnchorPolicy;
  /** Why the policy wants an anchor now, if it does. */
  due?: string;
}
