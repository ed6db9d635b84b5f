/*
 * The chain a context is anchored to, as core sees it: plain data in, plain data out. An
 * adapter (src/adapters/chain/registry) implements it over an EVM JSON-RPC and the
 * TabnodeRegistry contract; a memory double implements it for simulations. Both pass one
 * shared suite (anchorChainContract.ts).
 */

export type Address = `0x${string}`;
/** 32 bytes as 0x + 64 lowercase hex digits. */
export type Hash32 = `0x${string}`;

/** What the genesis op binds a context to: the registry on one chain, and the owner's address. */
export interface AnchorBinding {
  chainId: number;
  registry: Address;
  owner: Address;
}

/** One anchor: what an admin states about the context at a governance head. */
export interface AnchorRecord {
  /** Id of the governance op the anchor certifies (with its whole causal past). */
  govHead: Hash32;
  /** memberSetRoot() of the governance state at govHead. */
  memberRoot: Hash32;
  /** The state checkpoint root at govHead's heads (zero when not checkpointed). */
  stateRoot: Hash32;
  /** Key epoch (0 until epoch keys exist). */
  epoch: bigint;
}

/** Where on chain something happened: alerts name the block and the transaction. */
export interface ChainPosition {
  blockNumber: bigint;
  blockHash: Hash32;
  txHash: Hash32;
  logIndex: number;
  /** Block timestamp, seconds. */
  timestamp: number;
}

export type RegistryEvent =
  | { kind: 'registered'; seq: bigint; appHash: Hash32; admins: Address[]; by: Address; at: ChainPosition }
  | { kind: 'admin-set'; seq: bigint; admin: Address; enabled: boolean; by: Address; at: ChainPosition }
  | { kind: 'anchored'; seq: bigint; record: AnchorRecord; by: Address; at: ChainPosition }
  | { kind: 'app-set'; seq: bigint; appHash: Hash32; by: Address; at: ChainPosition }
  /** `asAdmin`: `by` was an admin of the context when it revoked; otherwise a self-claimed revocation (nodes accept it only from the key's own root). */
  | { kind: 'key-revoked'; clientKey: Hash32; by: Address; asAdmin: boolean; at: ChainPosition };

/** The registry's stored view of one context (hashes only; the records are in the events). */
export interface RegistryView {
  registered: boolean;
  seq: bigint;
  /** anchorRecordHash() of the latest anchor, zero before the first. */
  anchorHash: Hash32;
  appHash: Hash32;
}

/** Reads; every node with an RPC has one. */
export interface AnchorChain {
  readonly chainId: number;
  readonly registry: Address;
  /** The latest block number. */
  blockNumber(): Promise<bigint>;
  view(context: Hash32, owner: Address): Promise<RegistryView>;
  isAdmin(context: Hash32, owner: Address, who: Address): Promise<boolean>;
  isRevoked(context: Hash32, owner: Address, clientKey: Hash32): Promise<boolean>;
  /** The context's events in [fromBlock, toBlock], in chain order. */
  events(context: Hash32, owner: Address, fromBlock: bigint, toBlock: bigint): Promise<RegistryEvent[]>;
  /** The context's event in transaction `txHash` at `logIndex`, if the chain has it (evidence checks). */
  eventAt(context: Hash32, owner: Address, txHash: Hash32, logIndex: number): Promise<RegistryEvent | undefined>;
}

/** A change to the registry. `expectedSeq` is compare-and-swap: the tx reverts if seq moved. */
export type RegistryMutation =
  | { kind: 'register'; appHash: Hash32; admins: Address[] }
  | { kind: 'anchor'; expectedSeq: bigint; record: AnchorRecord }
  | { kind: 'set-admin'; expectedSeq: bigint; admin: Address; enabled: boolean }
  | { kind: 'set-app'; expectedSeq: bigint; appHash: Hash32 }
  | { kind: 'revoke-key'; clientKey: Hash32 };

export interface SubmittedTx {
  txHash: Hash32;
}

export interface ConfirmedTx extends SubmittedTx {
  blockNumber: bigint;
  gasUsed: bigint;
  /** False when the transaction reverted (e.g. compare-and-swap lost: seq moved). */
  success: boolean;
}

/** Writes, through a wallet: sent as its own tx, or signed (EIP-712) for a relayer to send. */
export interface AnchorWriter {
  readonly from: Address;
  submit(context: Hash32, owner: Address, mutation: RegistryMutation): Promise<SubmittedTx>;
  wait(tx: SubmittedTx, confirmations?: number): Promise<ConfirmedTx>;
}
