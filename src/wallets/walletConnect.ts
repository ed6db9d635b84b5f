/*
 * WalletConnect v2 (@walletconnect/sign-client): pairs with a wallet on another device
 * through a relay, then asks it for EIP-191 `personal_sign` signatures. The pairing URI is
 * handed to the caller to show as a QR code and a link. The SDK keeps the session in the
 * page's storage, so `restore` finds it again after a reload without asking the wallet.
 */
import { stringToHex } from 'viem';
import type { ConnectOptions, EthereumTransaction, EthereumTypedData, EthereumWalletAccount, WalletConnector, WalletInfo } from './connector.ts';
import { WalletChainError, WalletUnavailableError } from './connector.ts';
import { deadline } from './connectorParts.ts';
import { domainChainId, signatureFrom, transactionRequest, txHashFrom, typedDataJson } from './ethereumRequests.ts';
import { signClient } from './walletConnect/client.ts';
import type { WcClient } from './walletConnect/client.ts';
import { toWalletError } from './walletConnect/errors.ts';
import { latestSession, sessionAccount, sessionAllows, sessionChains } from './walletConnect/session.ts';
import type { SessionLike } from './walletConnect/session.ts';
import { checkSettings, DEFAULT_RELAY_TIMEOUT_MS, relayTrouble } from './walletConnect/settings.ts';
import type { WalletConnectSettings } from './walletConnect/settings.ts';

export type { WalletConnectMetadata, WalletConnectSettings } from './walletConnect/settings.ts';

export const WALLETCONNECT_INFO: WalletInfo = Object.freeze({ id: 'walletconnect', name: 'WalletConnect', via: 'walletconnect', kind: 'ethereum' });

/** Before a session exists we do not know the wallet's name. */
const SOME_WALLET = 'The WalletConnect wallet';
/**
 * Login signs with personal_sign; anchoring (issue 11) sends transactions or signs EIP-712
 * typed data for a relayer. All optional: a wallet that approves only personal_sign still logs
 * in, and the anchoring calls then say the wallet did not approve them.
 */
const METHODS = ['personal_sign', 'eth_sendTransaction', 'eth_signTypedData_v4'];
const EVENTS = ['accountsChanged', 'chainChanged'];
/** WalletConnect's USER_DISCONNECTED reason. */
const USER_DISCONNECTED = { code: 6000, message: 'User disconnected.' };

export function walletConnectConnector(settings: WalletConnectSettings): WalletConnector {
  const timeoutMs = settings.relayTimeoutMs ?? DEFAULT_RELAY_TIMEOUT_MS;

  /** Checks the settings (throwing what to fix) and starts, or reuses, the page's client. */
  const open = async (): Promise<{ client: WcClient; relayUrl: string; chainId: number; chainIds: number[] }> => {
    const { projectId, relayUrl, chainId, chainIds } = checkSettings(settings);
    try {
      const client = await signClient({ projectId, relayUrl, metadata: settings.metadata, verify: settings.verify ?? true });
      return { client, relayUrl, chainId, chainIds };
    } catch (err) {
      throw new WalletUnavailableError(`WalletConnect failed to start: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return {
    info: WALLETCONNECT_INFO,

    async connect(options: ConnectOptions = {}): Promise<EthereumWalletAccount> {
      const { onPairingUri } = options;
      if (!onPairingUri) throw new TypeError('WalletConnect needs onPairingUri: the pairing URI is how the wallet finds this page');
      const { client, relayUrl, chainId, chainIds } = await open();
      let pairing: Awaited<ReturnType<WcClient['connect']>>;
      try {
        // The URI comes back once the relay has taken the proposal; a dead relay would
        // otherwise keep the SDK retrying for a minute.
        pairing = await deadline(
          client.connect({ optionalNamespaces: { eip155: { chains: chainIds.map((id) => `eip155:${id}`), methods: METHODS, events: EVENTS } } }),
          timeoutMs,
          () => relayTrouble(relayUrl, `no answer within ${timeoutMs / 1000} s`),
        );
      } catch (err) {
        throw toWalletError(err, SOME_WALLET, relayUrl, 'start pairing');
      }
      if (!pairing.uri) throw new WalletUnavailableError('WalletConnect gave no pairing URI');
      onPairingUri(pairing.uri);
      let session: SessionLike;
      try {
        session = await pairing.approval();
      } catch (err) {
        throw toWalletError(err, SOME_WALLET, relayUrl, 'connect');
      }
      return accountOf(client, session, chainId, relayUrl);
    },

    async restore(): Promise<EthereumWalletAccount | undefined> {
      try {
        checkSettings(settings);
      } catch {
        return undefined; // nothing can have been kept through settings that never worked
      }
      const { client, relayUrl, chainId } = await open();
      const session = latestSession(client.session.getAll(), chainId, Date.now() / 1000);
      return session && accountOf(client, session, chainId, relayUrl);
    },

    async disconnect(): Promise<void> {
      try {
        checkSettings(settings);
      } catch {
        return;
      }
      const { client } = await open();
      await Promise.all(client.session.getAll().map((s) => endSession(client, s.topic, timeoutMs)));
    },
  };
}

function accountOf(client: WcClient, session: SessionLike, chainId: number, relayUrl: string): EthereumWalletAccount {
  const wallet = session.peer.metadata.name || SOME_WALLET;
  const account = sessionAccount(session, chainId);
  if (!account) {
    void endSession(client, session.topic, DEFAULT_RELAY_TIMEOUT_MS);
    throw new WalletUnavailableError(`${wallet} approved no Ethereum (eip155) account: pick an Ethereum account in the wallet and connect again`);
  }
  const { address } = account;
  /** The session as it is now: a wallet may update its chains or methods (session_update). */
  const current = (): SessionLike => client.session.getAll().find((s) => s.topic === session.topic) ?? session;

  /** One request through the live session, on `eip155:<chainId>`, with typed errors. */
  const call = async (method: string, params: unknown, chainId: number, action: string): Promise<unknown> => {
    if (!client.session.keys.includes(session.topic)) {
      throw new WalletUnavailableError(`the WalletConnect session with ${wallet} has ended: connect again to sign`);
    }
    if (!sessionAllows(current(), method)) {
      throw new WalletUnavailableError(`${wallet} did not approve ${method} for this session: it may not support it; disconnect and connect again, or use another wallet`);
    }
    try {
      return await client.request<unknown>({ topic: session.topic, chainId: `eip155:${chainId}`, request: { method, params } });
    } catch (err) {
      throw toWalletError(err, wallet, relayUrl, action);
    }
  };

  return {
    kind: 'ethereum',
    address,
    chainId: account.chainId,
    async signMessage({ message }: { message: string }): Promise<string> {
      // personal_sign takes the message as 0x-hex of its UTF-8 bytes, then the address.
      return signatureFrom(wallet, 'personal_sign', await call('personal_sign', [stringToHex(message), address], account.chainId, 'sign'));
    },
    async sendTransaction(tx: EthereumTransaction): Promise<`0x${string}`> {
      const params = transactionRequest(address, tx);
      // A session's chains are fixed when the wallet approves it (there is no switching a
      // wallet on another device): use the chain if the session has it, else say how to get it.
      const chains = sessionChains(current(), address);
      if (!chains.includes(tx.chainId)) {
        throw new WalletChainError(
          `${wallet} approved this session for chain ${chains.join(', ') || 'none'}, not chain ${tx.chainId}: set WalletConnect's chain to ${tx.chainId} in Settings, disconnect and connect again`,
          tx.chainId,
        );
      }
      return txHashFrom(wallet, await call('eth_sendTransaction', [params], tx.chainId, 'send the transaction'));
    },
    async signTypedData(typedData: EthereumTypedData): Promise<`0x${string}`> {
      const json = typedDataJson(typedData);
      // Asked on the domain's chain when the session has it (wallets check the two match).
      const domainChain = domainChainId(typedData);
      const on = domainChain !== undefined && sessionChains(current(), address).includes(domainChain) ? domainChain : account.chainId;
      return signatureFrom(wallet, 'eth_signTypedData_v4', await call('eth_signTypedData_v4', [address, json], on, 'sign'));
    },
  };
}

/**
 * Tells the wallet the session is over; when the relay cannot take the message in time the
 * session is still forgotten here, so signing through it stops either way.
 */
async function endSession(client: WcClient, topic: string, timeoutMs: number): Promise<void> {
  try {
    await deadline(client.disconnect({ topic, reason: USER_DISCONNECTED }), timeoutMs, () => new Error('relay timeout'));
  } catch {
    await client.session.delete(topic, USER_DISCONNECTED).catch(() => undefined);
  }
}
