/*
 * The wallet this tab is connected to, kept for the life of the page so later signatures
 * (revoking a device, rotating, renewing) reuse it. Which connector was used is remembered
 * in localStorage so a reload can reconnect (WalletConnect restores its session silently).
 * Wallet code is imported here on demand only.
 */
import type { ConnectOptions, WalletAccount, WalletConnector } from '../../wallets/connector.ts';
import { DEFAULT_WALLETCONNECT_RELAY, type NodeSettings } from '../../node/settings.ts';

const LAST_CONNECTOR = 'tabnode.wallet.connector';
let current: { connector: WalletConnector; account: WalletAccount } | undefined;

/** Every wallet usable here: injected (EIP-6963), get-starknet, WalletConnect when configured. */
export async function listWallets(settings: NodeSettings): Promise<WalletConnector[]> {
  const { discoverWallets } = await import('../../wallets/discover.ts');
  const wc = settings.walletConnect;
  // WalletConnect's Verify attestation exists only beside its own relay: a self-hosted
  // relay has none, and asking for it costs seconds per request.
  const verify = wc.relayUrl === DEFAULT_WALLETCONNECT_RELAY;
  // The session also asks for the anchoring chain, so the wallet can send registry transactions there.
  const extraChainIds = settings.chain.rpcUrl ? [settings.chain.chainId] : [];
  return discoverWallets(wc.projectId ? { walletConnect: { projectId: wc.projectId, relayUrl: wc.relayUrl, verify, extraChainIds } } : {});
}

export async function connectWallet(connector: WalletConnector, options: ConnectOptions = {}): Promise<WalletAccount> {
  const account = (await connector.restore?.()) ?? (await connector.connect(options));
  current = { connector, account };
  localStorage.setItem(LAST_CONNECTOR, connector.info.id);
  return account;
}

/**
 * The connected account if `isRootWallet` (the node's check) accepts it, reconnecting the
 * wallet used last when this page has none yet (after a reload). Undefined otherwise: the
 * caller asks the person to connect the right wallet.
 */
export async function walletFor(
  isRootWallet: (account: WalletAccount) => Promise<boolean>,
  settings: NodeSettings,
  options: ConnectOptions = {},
): Promise<WalletAccount | undefined> {
  let account = current?.account;
  if (!account) {
    const last = localStorage.getItem(LAST_CONNECTOR);
    const connector = last ? (await listWallets(settings)).find((w) => w.info.id === last) : undefined;
    if (!connector) return undefined;
    account = await connectWallet(connector, options);
  }
  return (await isRootWallet(account)) ? account : undefined;
}

/** End the wallet session of this tab, or the one kept from before a reload (WalletConnect). */
export async function disconnectWallet(settings: NodeSettings): Promise<void> {
  const was = current;
  const last = localStorage.getItem(LAST_CONNECTOR);
  current = undefined;
  localStorage.removeItem(LAST_CONNECTOR);
  const connector = was?.connector ?? (last ? (await listWallets(settings)).find((w) => w.info.id === last) : undefined);
  await connector?.disconnect();
}
