/*
 * Starknet wallets injected as `window.starknet_*` objects, through get-starknet-core
 * (loaded on demand). The wallet signs SNIP-12 typed data; the node builds and verifies it.
 *
 * get-starknet also offers "virtual" wallets (MetaMask's Starknet snap) whose first use loads
 * remote code from snaps.consensys.io. We never list or touch them: only full wallet objects
 * that an extension (or a test double) injected pass `isInjectedStarknetWallet`.
 */
import type { StarknetWindowObject } from '@starknet-io/get-starknet-core';
import type { StarknetWalletAccount, WalletConnector } from './connector.ts';
import { WalletRejectedError, WalletUnavailableError } from './connector.ts';
import { deadline, safeIcon, sessions } from './connectorParts.ts';

type GetStarknet = Awaited<ReturnType<typeof loadCore>>['getStarknet'];
type Core = ReturnType<GetStarknet>;

/** Wallet API code for "the user refused the operation". */
const USER_REFUSED_OP = 113;
/** Optional look-ups (public key, deployment data) must not hold up a connect. */
const LOOKUP_TIMEOUT_MS = 2000;

/** A wallet object get-starknet can `enable`, plus the legacy fields older wallets add. */
interface InjectedStarknetWallet extends StarknetWindowObject {
  selectedAddress?: string;
  account?: {
    address?: string;
    signer?: { getPubKey?(): Promise<string> | string };
    signMessage?(typedData: unknown): Promise<unknown>;
  };
}

/** True for wallet objects an extension injected; false for get-starknet's virtual (remote-loading) wallets. */
export function isInjectedStarknetWallet(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const w = value as Record<string, unknown>;
  const full = ['id', 'name', 'version', 'icon', 'request', 'on', 'off'].every((key) => key in w);
  const virtual = 'loadWallet' in w || 'hasSupport' in w || 'windowKey' in w;
  return full && !virtual && typeof w.request === 'function' && typeof w.id === 'string';
}

/** Lists the Starknet wallets injected into `win`, sorted by name. */
export async function discoverStarknetWallets(win: object = window): Promise<WalletConnector[]> {
  const core = await coreFor(win);
  const wallets = (await core.getAvailableWallets()) as InjectedStarknetWallet[];
  return wallets
    .filter(isInjectedStarknetWallet) // getAvailableWallets already filtered; keep the guarantee local
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((wallet) => starknetConnector(wallet, core));
}

/** A connector over one injected wallet object. */
export function starknetConnector(wallet: InjectedStarknetWallet, core: Pick<Core, 'enable' | 'disconnect'>): WalletConnector {
  const name = wallet.name;
  const session = sessions(name);
  const request = async (type: string, params?: unknown): Promise<unknown> => {
    try {
      const call = (params === undefined ? { type } : { type, params }) as Parameters<StarknetWindowObject['request']>[0];
      return await wallet.request(call);
    } catch (err) {
      throw walletErrorFromStarknet(name, type, err);
    }
  };

  return {
    info: {
      id: `starknet:${wallet.id}`,
      name,
      icon: safeIcon(typeof wallet.icon === 'string' ? wallet.icon : wallet.icon?.light),
      via: 'get-starknet',
      kind: 'starknet',
    },
    async connect(): Promise<StarknetWalletAccount> {
      try {
        await core.enable(wallet);
      } catch (err) {
        // get-starknet's own words when the wallet answered but granted no account access.
        if (err instanceof Error && /failed to connect/i.test(err.message)) {
          throw new WalletRejectedError(name, 'no account access was granted');
        }
        throw walletErrorFromStarknet(name, 'wallet_requestAccounts', err);
      }
      // Already authorized by enable(): silent_mode answers without a second prompt.
      const accounts = await request('wallet_requestAccounts', { silent_mode: true }).catch(() => undefined);
      const address = firstAddress(accounts) ?? firstAddress([wallet.selectedAddress, wallet.account?.address]);
      if (!address) throw new WalletUnavailableError(`${name} gave no account: unlock it and pick an account, then try again`);
      const chainId = await chainName(name, await request('wallet_requestChainId'));
      const [publicKey, classHash] = await Promise.all([publicKeyOf(wallet), classHashOf(request, address)]);
      const live = session.open();
      return {
        kind: 'starknet',
        address,
        chainId,
        publicKey,
        classHash,
        async signTypedData(typedData: unknown): Promise<string[]> {
          live();
          return feltArray(name, await signWith(wallet, request, typedData));
        },
      };
    },
    async disconnect(): Promise<void> {
      // Starknet wallets have no revoke: the site stays authorized in the wallet until its user
      // removes it there. We forget the session (and get-starknet its "last wallet").
      session.end();
      await core.disconnect({ clearLastWallet: true });
    },
  };
}

/**
 * Maps a Starknet wallet error: USER_REFUSED_OP (113) or a wallet's "rejected/aborted/
 * cancelled" wording (older wallets throw plain Errors) is WalletRejectedError; anything else
 * WalletUnavailableError carrying the wallet's message.
 */
function walletErrorFromStarknet(wallet: string, method: string, err: unknown): Error {
  if (err instanceof WalletRejectedError || err instanceof WalletUnavailableError) return err;
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const said = typeof message === 'string' && message ? message : String(err);
  if (code === USER_REFUSED_OP || /refused|reject|abort|cancel|denied|declined/i.test(said)) {
    return new WalletRejectedError(wallet, said);
  }
  return new WalletUnavailableError(`${wallet} failed ${method}: ${said}`);
}

/** Signature felts as 0x-hex strings, whatever shape the wallet answered in. */
export function feltArray(wallet: string, signature: unknown): string[] {
  const parts =
    Array.isArray(signature) ? signature
    : typeof signature === 'object' && signature !== null && 'r' in signature && 's' in signature ?
      [(signature as { r: unknown }).r, (signature as { s: unknown }).s]
    : undefined;
  const felts = parts?.map(toFelt);
  if (!felts || felts.length < 2 || felts.some((f) => f === undefined)) {
    throw new WalletUnavailableError(`${wallet} answered the signature request with ${describe(signature)}, not a signature`);
  }
  return felts as string[];
}

/** `SN_MAIN`/`SN_SEPOLIA` from a wallet's chain id, which may be a hex felt or the name. */
export async function decodeChainId(value: string): Promise<string> {
  if (!/^0x[0-9a-fA-F]+$/.test(value)) return value;
  const { shortString } = await import('starknet');
  return shortString.decodeShortString(value);
}

async function signWith(
  wallet: InjectedStarknetWallet,
  request: (type: string, params?: unknown) => Promise<unknown>,
  typedData: unknown,
): Promise<unknown> {
  try {
    return await request('wallet_signTypedData', typedData);
  } catch (err) {
    // Wallets from before the wallet API sign through their account object instead.
    const legacy = wallet.account?.signMessage;
    if (err instanceof WalletRejectedError || typeof legacy !== 'function') throw err;
    try {
      return await legacy.call(wallet.account, typedData);
    } catch (legacyErr) {
      throw walletErrorFromStarknet(wallet.name, 'account.signMessage', legacyErr);
    }
  }
}

function chainName(wallet: string, value: unknown): Promise<string> {
  const id = typeof value === 'bigint' ? `0x${value.toString(16)}` : value;
  if (typeof id !== 'string' || !id) {
    throw new WalletUnavailableError(`${wallet} answered wallet_requestChainId with ${describe(value)}, not a chain id`);
  }
  return decodeChainId(id);
}

/** Legacy wallet objects reveal the Stark public key through their account's signer. */
async function publicKeyOf(wallet: InjectedStarknetWallet): Promise<string | undefined> {
  const signer = wallet.account?.signer;
  if (typeof signer?.getPubKey !== 'function') return undefined;
  return toFelt(await deadline(Promise.resolve().then(() => signer.getPubKey!()), LOOKUP_TIMEOUT_MS).catch(() => undefined));
}

/** `wallet_deploymentData` names the class hash of a not-yet-deployed account; deployed ones answer an error. */
async function classHashOf(
  request: (type: string, params?: unknown) => Promise<unknown>,
  address: string,
): Promise<string | undefined> {
  const data = (await deadline(request('wallet_deploymentData'), LOOKUP_TIMEOUT_MS).catch(() => undefined)) as
    | { address?: unknown; class_hash?: unknown }
    | undefined;
  if (!data || toFelt(data.address) !== toFelt(address)) return undefined;
  return toFelt(data.class_hash);
}

/** The first non-zero account, as 0x and 64 lower-case hex digits (the node's canonical spelling). */
function firstAddress(accounts: unknown): string | undefined {
  if (!Array.isArray(accounts)) return undefined;
  for (const a of accounts) {
    const felt = toFelt(a);
    if (felt && felt !== '0x0') return `0x${felt.slice(2).padStart(64, '0')}`;
  }
  return undefined;
}

/** A felt (hex or decimal string, bigint, number) as lowercase 0x-hex; undefined if it is none. */
function toFelt(value: unknown): string | undefined {
  try {
    if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) {
      return value >= 0 ? `0x${value.toString(16)}` : undefined;
    }
    if (typeof value === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(value)) return `0x${BigInt(value).toString(16)}`;
  } catch {
    // not a number
  }
  return undefined;
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

function loadCore() {
  return import('@starknet-io/get-starknet-core');
}

// One get-starknet instance per window: each instance starts its own MetaMask probe.
const cores = new WeakMap<object, Promise<Core>>();
function coreFor(win: object): Promise<Core> {
  let core = cores.get(win);
  if (!core) {
    core = loadCore().then(({ getStarknet }) =>
      getStarknet({ windowObject: win as Record<string, unknown>, isWalletObject: isInjectedStarknetWallet }),
    );
    cores.set(win, core);
  }
  return core;
}
