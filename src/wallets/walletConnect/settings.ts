/*
 * WalletConnect's settings, checked before anything is loaded: a connect with a missing
 * project id or a malformed relay URL fails at once with what to fix in Settings.
 */
import { WalletUnavailableError } from '../connector.ts';

/** What the dapp tells the wallet about itself (shown in the wallet's approval prompt). */
export interface WalletConnectMetadata {
  name: string;
  description: string;
  /** The dapp's origin; default: this page's origin. */
  url: string;
  icons: string[];
}

export interface WalletConnectSettings {
  /** From WalletConnect Cloud (the hosted relay refuses clients without one). */
  projectId: string;
  /** ws:// or wss:// URL of the relay, e.g. wss://relay.walletconnect.org. */
  relayUrl: string;
  metadata?: WalletConnectMetadata;
  /** EIP-155 chain whose account to ask for. Default 1 (Ethereum mainnet). */
  chainId?: number;
  /**
   * Other EIP-155 chains to ask the wallet for (optional: it may approve only some), e.g. the
   * chain contexts are anchored on when it is not `chainId`. A session's chains are fixed at
   * approval, so a transaction can only go to a chain asked for here (or `chainId`).
   */
  extraChainIds?: number[];
  /**
   * Have WalletConnect's Verify service attest this page's origin to the wallet (its
   * "verified domain" badge). Default true. The SDK has no switch for it: false replaces the
   * attestation with an empty one. Without internet the attestation iframe stalls about 5 s
   * on every connect and every signature, so turn it off for offline or self-hosted relays.
   */
  verify?: boolean;
  /** How long to wait for the relay to take the session proposal. Default 15 s. */
  relayTimeoutMs?: number;
}

export const DEFAULT_CHAIN_ID = 1;
export const DEFAULT_RELAY_TIMEOUT_MS = 15_000;

const FIX_IN_SETTINGS = 'set the WalletConnect project id and relay URL in Settings';

/** Throws WalletUnavailableError naming the setting to fix; returns the trimmed values. */
export function checkSettings(settings: WalletConnectSettings): { projectId: string; relayUrl: string; chainId: number; chainIds: number[] } {
  const projectId = settings.projectId.trim();
  if (!projectId) throw new WalletUnavailableError(`WalletConnect has no project id: ${FIX_IN_SETTINGS}`);
  const relayUrl = settings.relayUrl.trim();
  let protocol: string | undefined;
  try {
    protocol = new URL(relayUrl).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'ws:' && protocol !== 'wss:') {
    throw new WalletUnavailableError(`WalletConnect relay URL ${JSON.stringify(relayUrl)} is not a ws:// or wss:// URL: ${FIX_IN_SETTINGS}`);
  }
  const chainId = settings.chainId ?? DEFAULT_CHAIN_ID;
  for (const id of [chainId, ...(settings.extraChainIds ?? [])]) {
    if (!Number.isSafeInteger(id) || id <= 0) throw new RangeError(`chain ids must be positive integers, got ${id}`);
  }
  // The login chain first: wallets list it first, and sessionAccount prefers it anyway.
  const chainIds = [...new Set([chainId, ...(settings.extraChainIds ?? [])])];
  return { projectId, relayUrl, chainId, chainIds };
}

/** The message for a relay that cannot be reached or refuses us. */
export function relayTrouble(relayUrl: string, detail: string): WalletUnavailableError {
  return new WalletUnavailableError(`could not use the WalletConnect relay at ${relayUrl} (${detail}): check the relay URL and project id in Settings, and the network`);
}
