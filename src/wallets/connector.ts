/*
 * The one narrow interface every wallet connector implements (injected EIP-1193 found by
 * EIP-6963, WalletConnect, get-starknet). A connector only connects and signs; the node
 * builds what is signed (src/core/identity) and verifies the answer.
 *
 * Everything under src/wallets is loaded on demand (dynamic import), never on first load.
 */

/** How a wallet is reached. */
export type WalletVia = 'injected' | 'walletconnect' | 'get-starknet';

/** Which kind of root a wallet's account becomes. */
export type WalletKind = 'ethereum' | 'starknet';

/** What the login screen lists for a wallet. */
export interface WalletInfo {
  /** Stable id within this browser: `eip6963:<rdns>`, `walletconnect`, `starknet:<wallet id>`. */
  id: string;
  name: string;
  /** A data: URL of the wallet's icon, when it announced one (remote icons are dropped: safeIcon). */
  icon?: string;
  via: WalletVia;
  kind: WalletKind;
}

type Hex = `0x${string}`;

/** A transaction the wallet signs and sends from its account (it picks nonce, gas and fees). */
export interface EthereumTransaction {
  to: Hex;
  data: Hex;
  /** Wei; default 0. */
  value?: bigint;
  /** The chain it must land on: the wallet is asked to switch there first when it is elsewhere. */
  chainId: number;
}

/** How to add a chain the wallet does not know yet (EIP-3085 `wallet_addEthereumChain`). */
export interface EthereumChainParams {
  chainName: string;
  rpcUrls: string[];
  nativeCurrency: { name: string; symbol: string; decimals: number };
  blockExplorerUrls?: string[];
}

/**
 * EIP-712 typed data as `eth_signTypedData_v4` takes it. Values may be bigints (uint256):
 * they are sent as decimal strings.
 */
export interface EthereumTypedData {
  domain: Record<string, unknown>;
  types: Record<string, readonly { name: string; type: string }[]>;
  primaryType: string;
  message: Record<string, unknown>;
}

/**
 * An Ethereum account that signs EIP-191 `personal_sign` messages and EIP-712 typed data
 * (0x-hex 65-byte signatures), and sends transactions.
 */
export interface EthereumWalletAccount {
  kind: 'ethereum';
  address: Hex;
  /** The chain the wallet was on at connect (it may switch later, for a transaction). */
  chainId: number;
  signMessage(args: { message: string }): Promise<string>;
  /**
   * `eth_sendTransaction` from this account on `tx.chainId`; resolves with the transaction
   * hash once the wallet has sent it (not mined). `chain` lets a wallet that does not know
   * that chain add it. WalletChainError when the wallet cannot or will not be on that chain.
   */
  sendTransaction(tx: EthereumTransaction, chain?: EthereumChainParams): Promise<Hex>;
  /**
   * `eth_signTypedData_v4` by this account; the 0x-hex signature. Wallets refuse typed data
   * whose `domain.chainId` is not their current chain, so the wallet is first switched there
   * (as for sendTransaction; `chain` lets it add the chain).
   */
  signTypedData(typedData: EthereumTypedData, chain?: EthereumChainParams): Promise<Hex>;
}

/** A Starknet account that signs SNIP-12 typed data (signature as felts, 0x-hex strings). */
export interface StarknetWalletAccount {
  kind: 'starknet';
  /** 0x-hex account address. */
  address: string;
  /** Starknet chain id as its short-string name: `SN_MAIN`, `SN_SEPOLIA`. */
  chainId: string;
  /** The account's Stark public key (0x-hex felt), when the wallet reveals it. */
  publicKey?: string;
  /** The account contract's class hash (0x-hex felt), when known. */
  classHash?: string;
  signTypedData(typedData: unknown): Promise<string[]>;
}

export type WalletAccount = EthereumWalletAccount | StarknetWalletAccount;

export interface ConnectOptions {
  /** WalletConnect: called with the pairing URI to show as a QR code and a link. */
  onPairingUri?(uri: string): void;
}

export interface WalletConnector {
  readonly info: WalletInfo;
  /** Ask the wallet for an account (the wallet may prompt its user). */
  connect(options?: ConnectOptions): Promise<WalletAccount>;
  /** A session kept from before (WalletConnect keeps one across reloads), without prompting. */
  restore?(): Promise<WalletAccount | undefined>;
  disconnect(): Promise<void>;
}

/** The wallet's user declined (EIP-1193 code 4001, a rejected proposal, a closed prompt). */
export class WalletRejectedError extends Error {
  override readonly name = 'WalletRejectedError';
  constructor(wallet: string, detail?: string) {
    super(`${wallet} declined the request${detail ? `: ${detail}` : ''}`);
  }
}

/** The wallet cannot be used here (not installed, not configured, wrong network, no answer). */
export class WalletUnavailableError extends Error {
  override readonly name = 'WalletUnavailableError';
}

/** The wallet is not on the chain a request needs and cannot or will not switch to it. */
export class WalletChainError extends Error {
  override readonly name = 'WalletChainError';
  constructor(
    message: string,
    /** The chain that was needed. */
    readonly chainId: number,
  ) {
    super(message);
  }
}
