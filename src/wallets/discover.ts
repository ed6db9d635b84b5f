/*
 * Every wallet this browser can use right now, for the login screen: injected Ethereum
 * wallets (EIP-6963, or a legacy window.ethereum), injected Starknet wallets (get-starknet),
 * and WalletConnect when it is configured.
 */
import type { WalletConnector } from './connector.ts';
// Type only: erased at build time, so WalletConnect's code still loads on demand.
import type { WalletConnectSettings } from './walletConnect.ts';


export interface DiscoverOptions {
  win?: Window;
  /** How long injected Ethereum wallets get to announce themselves. Default 300 ms. */
  waitMs?: number;
  /** WalletConnect's settings; without them WalletConnect is not listed. */
  walletConnect?: WalletConnectSettings;
  /** Told when one family of wallets could not be listed (the others still are). */
  onError?(family: 'injected' | 'starknet' | 'walletconnect', err: unknown): void;
}

/** Injected Ethereum wallets first, then Starknet wallets, then WalletConnect. */
export async function discoverWallets(options: DiscoverOptions = {}): Promise<WalletConnector[]> {
  const win = options.win ?? window;
  const onError = options.onError ?? ((family, err) => console.warn(`Tabnode: could not list ${family} wallets:`, err));
  const settled = await Promise.all([
    listed('injected', onError, async () => (await import('./injected.ts')).discoverInjectedWallets(win, options.waitMs)),
    listed('starknet', onError, async () => (await import('./starknet.ts')).discoverStarknetWallets(win)),
    options.walletConnect === undefined ? [] : (
      listed('walletconnect', onError, async () => {
        const { walletConnectConnector } = await import('./walletConnect.ts');
        return [walletConnectConnector(options.walletConnect!)];
      })
    ),
  ]);
  return settled.flat();
}

/** One family's failure (a chunk that failed to load, a wallet object that throws) hides only that family. */
async function listed(
  family: 'injected' | 'starknet' | 'walletconnect',
  onError: NonNullable<DiscoverOptions['onError']>,
  list: () => Promise<WalletConnector[]>,
): Promise<WalletConnector[]> {
  try {
    return await list();
  } catch (err) {
    onError(family, err);
    return [];
  }
}
