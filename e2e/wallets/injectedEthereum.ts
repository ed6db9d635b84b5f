/*
 * A test double for an injected Ethereum wallet that signs with a real secp256k1 key.
 *
 * Two halves, shared by both ways of installing it:
 * - the wallet (`ethereumTestWallet`): answers EIP-1193 calls, keeps the permission state and
 *   the key, signs with viem. It runs where the key lives: in the Node test process for e2e
 *   (behind a Playwright binding), or in the page for browser-mode tests.
 * - the page shim (`eip1193PageShim`): the provider object the page sees, announced by
 *   EIP-6963 under its own name/uuid/rdns (never as MetaMask: get-starknet would then load
 *   MetaMask's remote snap code). It forwards each call to the wallet. It is serialized into
 *   an init script, so it must stay self-contained: no imports, no outer references.
 */
import type { BrowserContext } from 'playwright-core';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { isAnswer, parseTransaction, signAndSend, signTypedDataV4 } from './ethereumSigning.ts';
import { installWithBinding, recorded, walletUser, withUser, type WalletUserView } from './walletUser.ts';

type Hex = `0x${string}`;

export interface Eip1193Call {
  method: string;
  params?: unknown;
}

/** A wallet's answer, as plain data (it crosses the Playwright binding). */
export type WalletAnswer = { result: unknown } | { error: { code: number; message: string } };

export interface InjectedEthereumWalletOptions {
  privateKey: Hex;
  chainId: number;
  /** Default "Test Wallet". */
  name?: string;
  /** Default "org.tabnode.testwallet". */
  rdns?: string;
  /** Default derived from rdns. */
  uuid?: string;
  /** A data: URL; default a small SVG. */
  icon?: string;
  /** The user declines (EIP-1193 4001) connection and signature prompts from the start. */
  reject?: boolean;
  /** Announce by EIP-6963 (default true). */
  eip6963?: boolean;
  /** Also set `window.ethereum`, as wallets from before EIP-6963 do (default false). */
  legacyGlobal?: boolean;
  /**
   * JSON-RPC URL of `chainId`, where `eth_sendTransaction` sends what the wallet signs.
   * Without one the wallet answers eth_sendTransaction with 4200 (unsupported).
   */
  rpcUrl?: string;
  /** Other chains the wallet knows (chain id → RPC URL, '' for none): it switches to them. */
  knownChains?: Record<number, string>;
  /** Whether `wallet_addEthereumChain` adds (and switches to) a chain (default true); false: 4200. */
  addChains?: boolean;
  /** Whether `wallet_switchEthereumChain` is supported at all (default true); false: 4200. */
  switchChains?: boolean;
}

/** What a test sees of its wallet (state lives with the key: Node for e2e, the page in browser tests). */
export interface TestEthereumWallet extends WalletUserView {
  address: Hex;
  /** The chain the wallet is on now (it changes when the site switches it). */
  readonly chainId: number;
}

interface EthereumTestWalletCore {
  view: TestEthereumWallet;
  handle(call: Eip1193Call): Promise<WalletAnswer>;
}

const DEFAULT_ICON =
  'data:image/svg+xml,' +
  encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#2a6"/><text x="16" y="22" font-size="16" text-anchor="middle" fill="#fff">T</text></svg>');

/** The wallet half: EIP-1193 methods over a real key. */
function ethereumTestWallet(options: {
  account: LocalAccount;
  chainId: number;
  reject?: boolean;
  name?: string;
  rpcUrl?: string;
  knownChains?: Record<number, string>;
  addChains?: boolean;
  switchChains?: boolean;
}): EthereumTestWalletCore {
  const { account } = options;
  const name = options.name ?? 'Test Wallet';
  const user = walletUser(options.reject);
  // Chain id → RPC URL ('' when the wallet knows the chain but has no RPC for it).
  const chains = new Map<number, string>(Object.entries(options.knownChains ?? {}).map(([id, url]) => [Number(id), url]));
  chains.set(options.chainId, options.rpcUrl ?? '');
  let chainId = options.chainId;
  const fail = (code: number, message: string): WalletAnswer => ({ error: { code, message } });
  const declined = (): WalletAnswer => fail(4001, `${name}: the user rejected the request`);
  const unauthorized = (address: unknown): WalletAnswer => fail(4100, `${name}: ${String(address)} is not authorized for this site`);
  const hexChain = (params: unknown): number | undefined => {
    const [first] = Array.isArray(params) ? (params as { chainId?: unknown }[]) : [];
    const id = first?.chainId;
    return typeof id === 'string' && /^0x[0-9a-fA-F]+$/.test(id) ? Number.parseInt(id, 16) : undefined;
  };

  const answer = async ({ method, params }: Eip1193Call): Promise<WalletAnswer> => {
    switch (method) {
      case 'eth_requestAccounts':
        if (!user.grant()) return declined();
        return { result: [account.address] };
      case 'eth_accounts':
        return { result: user.authorized ? [account.address] : [] };
      case 'eth_chainId':
        return { result: `0x${chainId.toString(16)}` };
      case 'personal_sign': {
        const [message, address] = Array.isArray(params) ? (params as unknown[]) : [];
        if (!user.authorized || typeof address !== 'string' || address.toLowerCase() !== account.address.toLowerCase()) {
          return unauthorized(address);
        }
        if (typeof message !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(message)) {
          return fail(-32602, `${name}: personal_sign wants the message as 0x-hex bytes`);
        }
        if (user.rejecting) return declined();
        return { result: await account.signMessage({ message: { raw: message as Hex } }) };
      }
      case 'eth_signTypedData_v4': {
        if (!user.authorized) return unauthorized((params as unknown[] | undefined)?.[0]);
        if (user.rejecting) return declined();
        return signTypedDataV4(account, chainId, params, name);
      }
      case 'eth_sendTransaction': {
        if (!user.authorized) return unauthorized((params as { from?: unknown }[] | undefined)?.[0]?.from);
        const tx = parseTransaction(account, params, name);
        if (isAnswer(tx)) return tx;
        if (tx.chainId !== undefined && tx.chainId !== chainId) {
          return fail(-32602, `${name}: the transaction is for chain ${tx.chainId}, the wallet is on chain ${chainId}`);
        }
        const rpcUrl = chains.get(chainId);
        if (!rpcUrl) return fail(4200, `${name} cannot send transactions on chain ${chainId}: it has no RPC URL there`);
        if (user.rejecting) return declined();
        return { result: await signAndSend(account, chainId, rpcUrl, tx) };
      }
      case 'wallet_switchEthereumChain': {
        if (options.switchChains === false) return fail(4200, `${name} does not support ${method}`);
        const id = hexChain(params);
        if (id === undefined) return fail(-32602, `${name}: wallet_switchEthereumChain wants [{ chainId: 0x-hex }]`);
        if (!chains.has(id)) return fail(4902, `${name}: Unrecognized chain ID "0x${id.toString(16)}". Try adding the chain using wallet_addEthereumChain first.`);
        if (id !== chainId && user.rejecting) return declined();
        chainId = id;
        return { result: null };
      }
      case 'wallet_addEthereumChain': {
        if (options.addChains === false) return fail(4200, `${name} does not support ${method}`);
        const id = hexChain(params);
        const [chain] = params as { rpcUrls?: unknown; chainName?: unknown; nativeCurrency?: unknown }[];
        const rpc = Array.isArray(chain?.rpcUrls) ? chain.rpcUrls[0] : undefined;
        if (id === undefined || typeof rpc !== 'string' || typeof chain?.chainName !== 'string' || typeof chain?.nativeCurrency !== 'object') {
          return fail(-32602, `${name}: wallet_addEthereumChain wants [{ chainId, chainName, rpcUrls, nativeCurrency }]`);
        }
        if (user.rejecting) return declined();
        // As MetaMask does: a known chain keeps its RPC; adding also switches to it.
        if (!chains.get(id)) chains.set(id, rpc);
        chainId = id;
        return { result: null };
      }
      case 'wallet_revokePermissions':
        user.revoke();
        return { result: null };
      default:
        return fail(4200, `${name} does not support ${method}`);
    }
  };

  const view = withUser(user, { address: account.address });
  Object.defineProperty(view, 'chainId', { get: () => chainId, enumerable: true });
  return {
    view: view as TestEthereumWallet,
    handle: recorded(user, (call) => call.method, answer, (call, err) => fail(-32603, `${name} failed ${call.method}: ${err instanceof Error ? err.message : String(err)}`)),
  };
}

export interface Eip1193ShimSetup {
  info: { uuid: string; name: string; icon: string; rdns: string };
  eip6963: boolean;
  legacyGlobal: boolean;
  /** The page-global function that reaches the wallet (a Playwright binding), when `handle` is not given. */
  binding?: string;
}

/**
 * The page half: builds the EIP-1193 provider, announces it, and returns an uninstall
 * function. Self-contained: it is also run from an init script via `toString()`.
 */
function eip1193PageShim(setup: Eip1193ShimSetup, handle?: (call: Eip1193Call) => Promise<WalletAnswer>): () => void {
  const w = window as unknown as Record<string, unknown>;
  const call = handle ?? ((c: Eip1193Call) => (w[setup.binding!] as (c: Eip1193Call) => Promise<WalletAnswer>)(c));
  const listeners: Record<string, Set<(...args: unknown[]) => void>> = {};
  const emit = (event: string, value: unknown): void => {
    for (const fn of listeners[event] ?? []) fn(value);
  };
  const provider = {
    isTabnodeTestWallet: true,
    async request(args: { method: string; params?: unknown }): Promise<unknown> {
      const answer = await call({ method: args.method, params: args.params });
      if ('error' in answer) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
      if (args.method === 'eth_requestAccounts') emit('accountsChanged', answer.result);
      if (args.method === 'wallet_revokePermissions') emit('accountsChanged', []);
      if (args.method === 'wallet_switchEthereumChain' || args.method === 'wallet_addEthereumChain') {
        emit('chainChanged', (args.params as { chainId?: unknown }[] | undefined)?.[0]?.chainId);
      }
      return answer.result;
    },
    on(event: string, fn: (...args: unknown[]) => void) {
      (listeners[event] ??= new Set()).add(fn);
      return provider;
    },
    removeListener(event: string, fn: (...args: unknown[]) => void) {
      listeners[event]?.delete(fn);
      return provider;
    },
  };
  const detail = Object.freeze({ info: Object.freeze({ ...setup.info }), provider });
  const announce = (): void => {
    window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail }));
  };
  if (setup.eip6963) {
    window.addEventListener('eip6963:requestProvider', announce);
    announce();
  }
  if (setup.legacyGlobal) w.ethereum = provider;
  return () => {
    window.removeEventListener('eip6963:requestProvider', announce);
    if (w.ethereum === provider) delete w.ethereum;
  };
}

function shimSetup(options: Omit<InjectedEthereumWalletOptions, 'privateKey' | 'chainId'>): Eip1193ShimSetup {
  const rdns = options.rdns ?? 'org.tabnode.testwallet';
  return {
    info: {
      uuid: options.uuid ?? `00000000-0000-4000-8000-${hex12(rdns)}`,
      name: options.name ?? 'Test Wallet',
      icon: options.icon ?? DEFAULT_ICON,
      rdns,
    },
    eip6963: options.eip6963 ?? true,
    legacyGlobal: options.legacyGlobal ?? false,
  };
}

function walletFor(options: InjectedEthereumWalletOptions): EthereumTestWalletCore {
  const { privateKey, ...rest } = options;
  return ethereumTestWallet({ ...rest, account: privateKeyToAccount(privateKey) });
}

/**
 * e2e: installs the wallet into every page of `context` (present and future). The key stays
 * in this Node process: the page's provider reaches it through a Playwright binding.
 */
export async function installInjectedEthereumWallet(
  context: BrowserContext,
  options: InjectedEthereumWalletOptions,
): Promise<TestEthereumWallet> {
  const wallet = walletFor(options);
  const setup = shimSetup(options);
  await installWithBinding(context, `__tabnodeEip1193_${setup.info.rdns.replace(/\W/g, '_')}`, eip1193PageShim, setup, wallet.handle);
  return wallet.view;
}

/**
 * Browser-mode tests: installs the wallet into this page, signing here with viem. Without a
 * `privateKey` it makes a random one. `uninstall()` stops announcing it.
 */
export function installInjectedEthereumWalletInPage(
  options: Partial<InjectedEthereumWalletOptions> & { chainId: number },
): TestEthereumWallet & { privateKey: Hex; uninstall(): void } {
  const privateKey = options.privateKey ?? generatePrivateKey();
  const wallet = walletFor({ ...options, privateKey });
  const uninstall = eip1193PageShim(shimSetup(options), (call) => wallet.handle(call));
  return Object.assign(wallet.view, { privateKey, uninstall });
}

/** 12 stable hex digits from a string (a uuid tail that stays the same across runs). */
function hex12(text: string): string {
  let h = 0x811c9dc5;
  let g = 0x01000193;
  for (const ch of text) {
    h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    g = Math.imul(g ^ ch.charCodeAt(0), 0x811c9dc5) >>> 0;
  }
  return (h.toString(16).padStart(8, '0') + g.toString(16).padStart(8, '0')).slice(0, 12);
}
