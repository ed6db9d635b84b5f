/*
 * A test double for an injected Starknet wallet (get-starknet compatible) that signs SNIP-12
 * typed data with a real Stark key.
 *
 * Like the Ethereum double, two halves:
 * - the wallet (`starknetTestWallet`): answers wallet-API calls (`wallet_requestAccounts`,
 *   `wallet_getPermissions`, `wallet_requestChainId`, `wallet_deploymentData`,
 *   `wallet_signTypedData`), keeps the permission state and the key. It runs where the key
 *   lives: Node for e2e (behind a Playwright binding), the page for browser-mode tests.
 * - the page shim (`starknetPageShim`): the `window.starknet_<id>` object the page sees. It is
 *   serialized into an init script, so it stays self-contained.
 *
 * The account is the counterfactual OpenZeppelin account of the key (salt = public key,
 * constructor calldata = [public key], deployer 0; the same rule as core's
 * `starknetAccountAddress`), so the node can tie key and address offline. The connector learns the public key from
 * `wallet.account.signer.getPubKey()` (as legacy wallet objects offer it) and the class hash
 * from `wallet_deploymentData` (the wallet API's answer for a not-yet-deployed account).
 */
import type { BrowserContext } from 'playwright-core';
import { ec, hash, shortString, typedData as snip12 } from 'starknet';
import { OZ_ACCOUNT_CLASS_HASH } from '../../src/core/identity/starknet.ts';
import { installWithBinding, recorded, walletUser, withUser, type WalletUserView } from './walletUser.ts';

/** The default account class of the double: the OpenZeppelin preset the node ties keys to offline. */
export { OZ_ACCOUNT_CLASS_HASH };

export interface StarknetCall {
  type: string;
  params?: unknown;
}

/** A wallet's answer, as plain data (it crosses the Playwright binding). */
export type StarknetWalletAnswer = { result: unknown } | { error: { code: number; message: string } };

export interface InjectedStarknetWalletOptions {
  /** Stark private key, 0x-hex. */
  privateKey: string;
  /** Short-string chain name; default 'SN_SEPOLIA'. */
  chainId?: string;
  /** Default "Test Starknet Wallet". */
  name?: string;
  /** The object goes on `window.starknet_<id>`; default "tabnodetest". */
  id?: string;
  icon?: string;
  /** Account class hash; default OpenZeppelin's. */
  classHash?: string;
  /** The user refuses (USER_REFUSED_OP, 113) connection and signature prompts from the start. */
  reject?: boolean;
}

/** What a test sees of its wallet. */
export interface TestStarknetWallet extends WalletUserView {
  /** 0x-hex, padded to 64 digits. */
  address: string;
  /** Stark public key (x coordinate), 0x-hex. */
  publicKey: string;
  classHash: string;
  chainId: string;
}

interface StarknetTestWalletCore {
  /** `authorized` stays true once granted: Starknet wallets have no revoke. */
  view: TestStarknetWallet;
  handle(call: StarknetCall): Promise<StarknetWalletAnswer>;
}

const USER_REFUSED_OP = 113;
const INVALID_REQUEST_PAYLOAD = 114;
const UNKNOWN_ERROR = 163;

const DEFAULT_ICON =
  'data:image/svg+xml,' +
  encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#26a"/><text x="16" y="22" font-size="16" text-anchor="middle" fill="#fff">S</text></svg>');

/** The counterfactual OpenZeppelin-style account address of a Stark public key (core's `starknetAccountAddress`, synchronous). */
function counterfactualAddress(publicKey: string, classHash = OZ_ACCOUNT_CLASS_HASH): string {
  const address = hash.calculateContractAddressFromHash(publicKey, classHash, [publicKey], 0);
  return `0x${BigInt(address).toString(16).padStart(64, '0')}`;
}

/** The wallet half: the wallet API over a real Stark key. */
function starknetTestWallet(options: InjectedStarknetWalletOptions): StarknetTestWalletCore {
  const name = options.name ?? 'Test Starknet Wallet';
  const chainId = options.chainId ?? 'SN_SEPOLIA';
  const classHash = options.classHash ?? OZ_ACCOUNT_CLASS_HASH;
  const publicKey = ec.starkCurve.getStarkKey(options.privateKey);
  const address = counterfactualAddress(publicKey, classHash);
  const user = walletUser(options.reject);
  const fail = (code: number, message: string): StarknetWalletAnswer => ({ error: { code, message } });
  const refused = (): StarknetWalletAnswer => fail(USER_REFUSED_OP, `An error occurred (USER_REFUSED_OP): ${name}'s user refused`);

  const answer = ({ type, params }: StarknetCall): StarknetWalletAnswer => {
    switch (type) {
      case 'wallet_getPermissions':
        return { result: user.authorized ? ['accounts'] : [] };
      case 'wallet_requestAccounts': {
        const silent = (params as { silent_mode?: boolean } | undefined)?.silent_mode === true;
        if (!user.authorized && silent) return { result: [] };
        if (!user.grant()) return refused();
        return { result: [address] };
      }
      case 'wallet_requestChainId':
        // Real wallets answer the hex felt, not the name.
        return { result: shortString.encodeShortString(chainId) };
      case 'wallet_deploymentData':
        return { result: { address, class_hash: classHash, salt: publicKey, calldata: [publicKey], version: 1 } };
      case 'wallet_signTypedData': {
        if (!user.authorized) return fail(UNKNOWN_ERROR, `${name}: connect before asking for a signature`);
        if (user.rejecting) return refused();
        let msgHash: string;
        try {
          msgHash = snip12.getMessageHash(params as Parameters<typeof snip12.getMessageHash>[0], address);
        } catch (err) {
          return fail(INVALID_REQUEST_PAYLOAD, `${name}: not SNIP-12 typed data: ${String(err)}`);
        }
        const { r, s } = ec.starkCurve.sign(msgHash, options.privateKey);
        return { result: [`0x${r.toString(16)}`, `0x${s.toString(16)}`] };
      }
      case 'wallet_supportedSpecs':
        return { result: ['0.7'] };
      default:
        return fail(UNKNOWN_ERROR, `${name} does not support ${type}`);
    }
  };

  return {
    view: withUser(user, { address, publicKey, classHash, chainId }),
    handle: recorded(user, (call) => call.type, answer, (call, err) => fail(UNKNOWN_ERROR, `${name} failed ${call.type}: ${String(err)}`)),
  };
}

export interface StarknetShimSetup {
  id: string;
  name: string;
  icon: string;
  address: string;
  publicKey: string;
  /** The page-global function that reaches the wallet (a Playwright binding), when `handle` is not given. */
  binding?: string;
}

/**
 * The page half: puts a get-starknet wallet object on `window.starknet_<id>` and returns an
 * uninstall function. Besides what get-starknet requires (id, name, icon, version, request,
 * on, off) it carries the legacy fields older wallets had: `enable()`, `isConnected`,
 * `selectedAddress`, and `account` with `address`, `signer.getPubKey()` and `signMessage()`.
 * Self-contained: it is also run from an init script via `toString()`.
 */
function starknetPageShim(setup: StarknetShimSetup, handle?: (call: StarknetCall) => Promise<StarknetWalletAnswer>): () => void {
  const w = window as unknown as Record<string, unknown>;
  const call = handle ?? ((c: StarknetCall) => (w[setup.binding!] as (c: StarknetCall) => Promise<StarknetWalletAnswer>)(c));
  const key = `starknet_${setup.id}`;
  const listeners: Record<string, Set<(...args: unknown[]) => void>> = {};
  const wallet = {
    id: setup.id,
    name: setup.name,
    icon: setup.icon,
    version: '1.0.0',
    isConnected: false,
    selectedAddress: undefined as string | undefined,
    account: {
      address: setup.address,
      signer: { getPubKey: async () => setup.publicKey },
      signMessage: (typedData: unknown) => wallet.request({ type: 'wallet_signTypedData', params: typedData }),
    },
    async request(args: { type: string; params?: unknown }): Promise<unknown> {
      const answer = await call({ type: args.type, params: args.params });
      if ('error' in answer) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
      if (args.type === 'wallet_requestAccounts' && Array.isArray(answer.result) && answer.result.length > 0) {
        const changed = !wallet.isConnected;
        wallet.isConnected = true;
        wallet.selectedAddress = answer.result[0] as string;
        if (changed) for (const fn of listeners.accountsChanged ?? []) fn(answer.result);
      }
      return answer.result;
    },
    async enable(): Promise<unknown> {
      return wallet.request({ type: 'wallet_requestAccounts' });
    },
    on(event: string, fn: (...args: unknown[]) => void): void {
      (listeners[event] ??= new Set()).add(fn);
    },
    off(event: string, fn: (...args: unknown[]) => void): void {
      listeners[event]?.delete(fn);
    },
  };
  w[key] = wallet;
  return () => {
    if (w[key] === wallet) delete w[key];
  };
}

function shimSetup(options: Partial<InjectedStarknetWalletOptions>, wallet: TestStarknetWallet): StarknetShimSetup {
  return {
    id: options.id ?? 'tabnodetest',
    name: options.name ?? 'Test Starknet Wallet',
    icon: options.icon ?? DEFAULT_ICON,
    address: wallet.address,
    publicKey: wallet.publicKey,
  };
}

/**
 * e2e: installs the wallet as `window.starknet_<id>` in every page of `context`. The key
 * stays in this Node process: the page's wallet object reaches it through a Playwright binding.
 */
export async function installInjectedStarknetWallet(
  context: BrowserContext,
  options: InjectedStarknetWalletOptions,
): Promise<TestStarknetWallet> {
  const wallet = starknetTestWallet(options);
  const setup = shimSetup(options, wallet.view);
  await installWithBinding(context, `__tabnodeStarknet_${setup.id.replace(/\W/g, '_')}`, starknetPageShim, setup, wallet.handle);
  return wallet.view;
}

/**
 * Browser-mode tests: installs the wallet into this page, signing here with starknet.js.
 * Without a `privateKey` it makes a random one. `uninstall()` removes the window object.
 */
export function installInjectedStarknetWalletInPage(
  options: Partial<InjectedStarknetWalletOptions> = {},
): TestStarknetWallet & { privateKey: string; uninstall(): void } {
  const privateKey = options.privateKey ?? randomStarkKey();
  const wallet = starknetTestWallet({ ...options, privateKey });
  const uninstall = starknetPageShim(shimSetup(options, wallet.view), wallet.handle);
  return Object.assign(wallet.view, { privateKey, uninstall });
}

/** A random Stark private key, 0x-hex. */
export function randomStarkKey(): string {
  const bytes = ec.starkCurve.utils.randomPrivateKey();
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
