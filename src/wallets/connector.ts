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

/** An Ethereum account that signs EIP-191 `personal_sign` messages (0x-hex signature). */
export interface EthereumWalletAccount {
  kind: 'ethereum';
  address: `0x${string}`;
  chainId: number;
  signMessage(args: { message: string }): Promise<string>;
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
