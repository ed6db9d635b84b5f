/*
 * Injected Ethereum wallets: EIP-1193 providers found by EIP-6963 announcements, with a
 * legacy `window.ethereum` as the fallback when nothing announces itself.
 */
import { getAddress, stringToHex } from 'viem';
import type { EthereumChainParams, EthereumTransaction, EthereumTypedData, EthereumWalletAccount, WalletConnector, WalletInfo } from './connector.ts';
import { WalletRejectedError, WalletUnavailableError } from './connector.ts';
import { safeIcon, sessions } from './connectorParts.ts';
import { domainChainId, signatureFrom, transactionRequest, txHashFrom, typedDataJson } from './ethereumRequests.ts';
import { ensureChain } from './injectedChain.ts';

/** The EIP-1193 surface we use. */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown }): Promise<unknown>;
}

/** EIP-6963 `info` as announced. */
export interface Eip6963ProviderInfo {
  uuid: string;
  name: string;
  icon: string;
  rdns: string;
}

export interface Eip6963ProviderDetail {
  info: Eip6963ProviderInfo;
  provider: Eip1193Provider;
}

/** EIP-1193 / EIP-1474 codes we give a specific meaning. */
const USER_REJECTED = 4001;
const UNAUTHORIZED = 4100;
const REQUEST_PENDING = -32002;
const UNSUPPORTED_METHOD = 4200;

/**
 * Lists the injected Ethereum wallets of this page: every wallet that answers an EIP-6963
 * `requestProvider` within `waitMs` (deduplicated by uuid and rdns, first one wins), or, when
 * none does, a legacy `window.ethereum` as "Browser wallet".
 */
export async function discoverInjectedWallets(win: Window = window, waitMs = 300): Promise<WalletConnector[]> {
  const found = new Map<string, Eip6963ProviderDetail>();
  const uuids = new Set<string>();
  const onAnnounce = (event: Event): void => {
    const detail = validDetail((event as CustomEvent<unknown>).detail);
    if (!detail || uuids.has(detail.info.uuid) || found.has(detail.info.rdns)) return;
    uuids.add(detail.info.uuid);
    found.set(detail.info.rdns, detail);
  };
  win.addEventListener('eip6963:announceProvider', onAnnounce);
  try {
    win.dispatchEvent(new Event('eip6963:requestProvider'));
    // Wallets may answer asynchronously (an extension's content script): give them a moment.
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  } finally {
    win.removeEventListener('eip6963:announceProvider', onAnnounce);
  }

  const connectors = [...found.values()].map((detail) =>
    injectedConnector(
      {
        id: `eip6963:${detail.info.rdns}`,
        name: detail.info.name,
        icon: safeIcon(detail.info.icon),
        via: 'injected',
        kind: 'ethereum',
      },
      detail.provider,
    ),
  );
  const legacy = (win as unknown as { ethereum?: unknown }).ethereum;
  if (connectors.length === 0 && isProvider(legacy)) {
    connectors.push(
      injectedConnector({ id: 'injected:window.ethereum', name: 'Browser wallet', via: 'injected', kind: 'ethereum' }, legacy),
    );
  }
  return connectors;
}

/** A connector over one EIP-1193 provider. */
export function injectedConnector(info: WalletInfo, provider: Eip1193Provider): WalletConnector {
  const session = sessions(info.name);
  const raw = (method: string, params?: unknown): Promise<unknown> =>
    provider.request(params === undefined ? { method } : { method, params });
  const request = async (method: string, params?: unknown): Promise<unknown> => {
    try {
      return await raw(method, params);
    } catch (err) {
      throw walletErrorFromEip1193(info.name, method, err);
    }
  };
  const currentChain = async (): Promise<number> => parseChainId(info.name, await request('eth_chainId'));

  return {
    info,
    async connect(): Promise<EthereumWalletAccount> {
      const accounts = await request('eth_requestAccounts');
      const first = Array.isArray(accounts) ? accounts[0] : undefined;
      if (typeof first !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(first)) {
        throw new WalletUnavailableError(`${info.name} gave no account: unlock it and pick an account, then try again`);
      }
      const address = getAddress(first);
      const chainId = await currentChain();
      const live = session.open();
      return {
        kind: 'ethereum',
        address,
        chainId,
        async signMessage({ message }: { message: string }): Promise<string> {
          live();
          return signatureFrom(info.name, 'personal_sign', await request('personal_sign', [stringToHex(message), address]));
        },
        async sendTransaction(tx: EthereumTransaction, chain?: EthereumChainParams): Promise<`0x${string}`> {
          const params = transactionRequest(address, tx);
          live();
          await ensureChain(info.name, raw, currentChain, tx.chainId, chain);
          live();
          return txHashFrom(info.name, await request('eth_sendTransaction', [params]));
        },
        async signTypedData(typedData: EthereumTypedData, chain?: EthereumChainParams): Promise<`0x${string}`> {
          const json = typedDataJson(typedData);
          const domainChain = domainChainId(typedData);
          live();
          if (domainChain !== undefined) await ensureChain(info.name, raw, currentChain, domainChain, chain);
          live();
          return signatureFrom(info.name, 'eth_signTypedData_v4', await request('eth_signTypedData_v4', [address, json]));
        },
      };
    },
    async disconnect(): Promise<void> {
      session.end();
      // EIP-2255 revoke, where the wallet has it; otherwise forgetting the account is all we can do.
      await request('wallet_revokePermissions', [{ eth_accounts: {} }]).catch(() => undefined);
    },
  };
}

/**
 * Maps an EIP-1193 error to our typed errors: 4001 (the user declined) is
 * WalletRejectedError, anything else WalletUnavailableError carrying the wallet's message.
 */
function walletErrorFromEip1193(wallet: string, method: string, err: unknown): Error {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const said = typeof message === 'string' && message ? message : String(err);
  if (code === USER_REJECTED) return new WalletRejectedError(wallet, said);
  if (code === REQUEST_PENDING) {
    return new WalletUnavailableError(`${wallet} already has a request waiting: open the wallet and answer it (${said})`);
  }
  if (code === UNAUTHORIZED) {
    return new WalletUnavailableError(`${wallet} has not authorized this site for ${method}: connect again (${said})`);
  }
  if (code === UNSUPPORTED_METHOD) {
    return new WalletUnavailableError(`${wallet} does not support ${method} (${said}): use a wallet that does`);
  }
  return new WalletUnavailableError(`${wallet} failed ${method}: ${said}`);
}

function parseChainId(wallet: string, value: unknown): number {
  const id = typeof value === 'string' ? Number.parseInt(value, value.startsWith('0x') ? 16 : 10) : value;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    throw new WalletUnavailableError(`${wallet} answered eth_chainId with ${JSON.stringify(value)}, not a chain id`);
  }
  return id;
}

function isProvider(value: unknown): value is Eip1193Provider {
  return typeof value === 'object' && value !== null && typeof (value as Eip1193Provider).request === 'function';
}

function validDetail(detail: unknown): Eip6963ProviderDetail | undefined {
  const { info, provider } = (detail ?? {}) as Partial<Eip6963ProviderDetail>;
  if (!info || !isProvider(provider)) return undefined;
  const { uuid, name, rdns } = info;
  if (typeof uuid !== 'string' || !uuid || typeof name !== 'string' || !name || typeof rdns !== 'string' || !rdns) {
    return undefined;
  }
  return { info, provider };
}
