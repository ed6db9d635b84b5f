/*
 * The injected EIP-1193 connector in a real Chromium page, against the e2e variant of the
 * wallet double: its key stays in this Node process and the page's provider reaches it
 * through a Playwright binding (installInjectedEthereumWallet). Transactions are signed by
 * that key and mined by a real local chain (Hardhat's node).
 *
 * As in walletConnect.e2e.test.ts, a tiny page built here exposes the connector on
 * `window.tabnodeInjected`, and a Node-side proxy turns it back into a WalletConnector so
 * the shared contract runs against the page.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createPublicClient, http } from 'viem';
import { generatePrivateKey } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHardhatNode, HARDHAT_CHAIN_ID } from '../../src/adapters/chain/hardhatNode.ts';
import type { HardhatNode } from '../../src/adapters/chain/hardhatNode.ts';
import type { EthereumWalletAccount, WalletConnector, WalletInfo } from '../../src/wallets/connector.ts';
import { WalletChainError, WalletRejectedError, WalletUnavailableError } from '../../src/wallets/connector.ts';
import { runWalletConnectorContract } from '../../src/wallets/connectorContract.ts';
import { forwardErrors, launchBrowser, startApp } from '../harness.ts';
import type { App } from '../harness.ts';
import { buildConnectorPage } from './connectorPage.ts';
import { fundAccount } from './fundAccount.ts';
import { installInjectedEthereumWallet } from './injectedEthereum.ts';
import type { InjectedEthereumWalletOptions, TestEthereumWallet } from './injectedEthereum.ts';

const WALLET_ID = 'eip6963:org.tabnode.testwallet';

let chain: HardhatNode;
let app: App;
let browser: Browser;
let pageDir: string;

beforeAll(async () => {
  pageDir = await mkdtemp(join(tmpdir(), 'tabnode-injected-e2e-'));
  [chain, browser] = await Promise.all([startHardhatNode(), launchBrowser(), buildConnectorPage(pageDir, { connector: 'src/wallets/injected.ts', pageEntry: PAGE_ENTRY, title: 'Injected e2e' })]);
  app = await startApp({ distDir: join(pageDir, 'out') });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await chain?.stop();
  if (pageDir) await rm(pageDir, { recursive: true, force: true });
});


/** Plain JS, bundled by Vite: the page side of the proxy below. One connector per page, as the app keeps. */
const PAGE_ENTRY = `
const accounts = new Map();
let next = 0;
let connector;
window.tabnodeInjected = async (op, arg) => {
  try {
    const { discoverInjectedWallets } = await import(CONNECTOR);
    connector ??= (await discoverInjectedWallets(window, 50)).find((c) => c.info.id === arg.walletId);
    if (!connector) throw new Error('the test wallet did not announce itself');
    if (op === 'info') return { value: connector.info };
    if (op === 'connect') {
      const account = await connector.connect();
      accounts.set(++next, account);
      return { value: { id: next, kind: account.kind, address: account.address, chainId: account.chainId } };
    }
    if (op === 'disconnect') return { value: (await connector.disconnect()) ?? null };
    const account = accounts.get(arg.id);
    if (op === 'sign') return { value: await account.signMessage({ message: arg.message }) };
    if (op === 'sendTransaction') return { value: await account.sendTransaction(arg.tx, arg.chain) };
    if (op === 'signTypedData') return { value: await account.signTypedData(arg.typedData, arg.chain) };
    throw new Error('unknown op ' + op);
  } catch (e) {
    return { error: { name: e && e.name, message: (e && e.message) || String(e), chainId: e && e.chainId } };
  }
};
`;

type Op = 'info' | 'connect' | 'disconnect' | 'sign' | 'sendTransaction' | 'signTypedData';
interface PageAccount {
  id: number;
  kind: 'ethereum';
  address: `0x${string}`;
  chainId: number;
}
type PageAnswer = { value: unknown } | { error: { name: string; message: string; chainId?: number } };
type HarnessWindow = typeof globalThis & { tabnodeInjected(op: Op, arg: unknown): Promise<PageAnswer> };

/** Calls the connector in the page; its typed errors come back as the same classes. */
async function inPage<T>(page: Page, op: Op, arg: Record<string, unknown> = {}): Promise<T> {
  const answer = await page.evaluate(([o, a]) => (window as unknown as HarnessWindow).tabnodeInjected(o, a), [op, { walletId: WALLET_ID, ...arg }] as const);
  if ('value' in answer) return answer.value as T;
  const { name, message, chainId } = answer.error;
  const error =
    name === 'WalletRejectedError'
      ? new WalletRejectedError('')
      : name === 'WalletUnavailableError'
        ? new WalletUnavailableError()
        : name === 'WalletChainError'
          ? new WalletChainError('', chainId ?? 0)
          : new Error();
  Object.defineProperty(error, 'message', { value: message, writable: true, configurable: true });
  throw error;
}

function pageConnector(page: Page, info: WalletInfo): WalletConnector {
  const account = (a: PageAccount): EthereumWalletAccount => ({
    kind: a.kind,
    address: a.address,
    chainId: a.chainId,
    signMessage: ({ message }) => inPage<string>(page, 'sign', { id: a.id, message }),
    sendTransaction: (tx, chain) => inPage<`0x${string}`>(page, 'sendTransaction', { id: a.id, tx, chain }),
    signTypedData: (typedData, chain) => inPage<`0x${string}`>(page, 'signTypedData', { id: a.id, typedData, chain }),
  });
  return {
    info,
    connect: async () => account(await inPage<PageAccount>(page, 'connect')),
    disconnect: () => inPage<void>(page, 'disconnect'),
  };
}

interface Fixture {
  context: BrowserContext;
  page: Page;
  wallet: TestEthereumWallet;
  connector: WalletConnector;
  errors: string[];
  close(): Promise<void>;
}

/** A fresh browser context with the wallet (a fresh key, funded on the local chain) installed. */
async function openFixture(options: Partial<InjectedEthereumWalletOptions> = {}): Promise<Fixture> {
  const context = await browser.newContext();
  const wallet = await installInjectedEthereumWallet(context, { privateKey: generatePrivateKey(), chainId: HARDHAT_CHAIN_ID, rpcUrl: chain.url, ...options });
  await fundAccount(chain.url, wallet.address);
  const errors: string[] = [];
  const page = await context.newPage();
  forwardErrors('injected-page', errors, page);
  await page.goto(app.url);
  await page.waitForFunction(() => 'tabnodeInjected' in window);
  const info = await inPage<WalletInfo>(page, 'info');
  return { context, page, wallet, connector: pageConnector(page, info), errors, close: () => context.close() };
}

runWalletConnectorContract(
  'injected EIP-1193 in Chromium, the key in Node behind a binding, on a local chain',
  async () => {
    const f = await openFixture();
    return {
      connector: f.connector,
      expected: { address: f.wallet.address, chainId: HARDHAT_CHAIN_ID },
      reject: () => f.wallet.setReject(true),
      prompts: () => f.wallet.prompts,
      chain: { rpcUrl: chain.url, chainId: HARDHAT_CHAIN_ID },
      teardown: f.close,
    };
  },
  { timeoutMs: 60_000 },
);

describe('injected connector in Chromium, through the binding', () => {
  test('a wallet on mainnet adds the local chain, switches, and sends; the page sees chainChanged', async () => {
    const f = await openFixture({ chainId: 1, rpcUrl: undefined });
    try {
      await f.page.evaluate(() => {
        const w = window as unknown as { ethereum?: unknown; changes: unknown[] };
        w.changes = [];
        window.addEventListener('eip6963:announceProvider', (e) => {
          const provider = (e as CustomEvent<{ provider: { on(ev: string, fn: (v: unknown) => void): void } }>).detail.provider;
          provider.on('chainChanged', (id) => w.changes.push(id));
        }, { once: true });
        window.dispatchEvent(new Event('eip6963:requestProvider'));
      });
      const account = (await f.connector.connect()) as EthereumWalletAccount;
      expect(account.chainId).toBe(1);
      const hash = await account.sendTransaction(
        { to: `0x${'ab'.repeat(20)}`, data: '0xc0ffee', value: 7n, chainId: HARDHAT_CHAIN_ID },
        { chainName: 'Tabnode local', rpcUrls: [chain.url], nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 } },
      );
      const receipt = await createPublicClient({ transport: http(chain.url) }).waitForTransactionReceipt({ hash, pollingInterval: 50 });
      expect(receipt.status).toBe('success');
      expect(receipt.from.toLowerCase()).toBe(f.wallet.address.toLowerCase());
      expect(f.wallet.chainId).toBe(HARDHAT_CHAIN_ID);
      expect(f.wallet.requests.slice(-6)).toEqual(['eth_chainId', 'wallet_switchEthereumChain', 'wallet_addEthereumChain', 'eth_chainId', 'eth_chainId', 'eth_sendTransaction']);
      expect(await f.page.evaluate(() => (window as unknown as { changes: unknown[] }).changes)).toEqual(['0x7a69']);
      expect(f.errors).toEqual([]);
    } finally {
      await f.close();
    }
  });

  test('a chain it will not add is WalletChainError in the page, and nothing is sent', async () => {
    const f = await openFixture({ chainId: 1, rpcUrl: undefined, addChains: false });
    try {
      const account = (await f.connector.connect()) as EthereumWalletAccount;
      const error = await account
        .sendTransaction({ to: `0x${'ab'.repeat(20)}`, data: '0x', chainId: HARDHAT_CHAIN_ID }, { chainName: 'Tabnode local', rpcUrls: [chain.url], nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WalletChainError);
      expect(error).toMatchObject({ chainId: HARDHAT_CHAIN_ID, message: expect.stringMatching(/could not add chain 31337/) });
      expect(f.wallet.requests).not.toContain('eth_sendTransaction');
    } finally {
      await f.close();
    }
  });
});
