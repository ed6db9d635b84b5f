/*
 * WalletConnect end to end, in a real Chromium page: the connector (src/wallets/
 * walletConnect.ts, built by Vite exactly as the app builds it, SDK chunk and all) pairs
 * through the local relay (e2e/wallets/relay.ts) with a wallet double that signs with a
 * real secp256k1 key (e2e/wallets/walletConnectWallet.ts) in this Node process.
 *
 * The connector is tested on its own here (the app's login flow is e2e/wallets.e2e.test.ts):
 * the page is a tiny one built here that exposes it on `window.tabnodeWalletConnect`, and a
 * Node-side proxy turns that back into a WalletConnector, so the shared connector contract
 * runs against the page.
 * The session lives in the page's IndexedDB: reloading the page is a real reload.
 *
 * Also here: the relay's own protocol and bounds, with raw WebSocket clients.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { recoverMessageAddress } from 'viem';
import { generatePrivateKey } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import type { EthereumWalletAccount, WalletConnector } from '../../src/wallets/connector.ts';
import { WalletChainError, WalletRejectedError, WalletUnavailableError } from '../../src/wallets/connector.ts';
import { runWalletConnectorContract } from '../../src/wallets/connectorContract.ts';
import { WALLETCONNECT_INFO } from '../../src/wallets/walletConnect.ts';
import type { WalletConnectSettings } from '../../src/wallets/walletConnect.ts';
import { startHardhatNode, HARDHAT_CHAIN_ID } from '../../src/adapters/chain/hardhatNode.ts';
import type { HardhatNode } from '../../src/adapters/chain/hardhatNode.ts';
import { forwardErrors, launchBrowser, startApp } from '../harness.ts';
import { buildConnectorPage } from './connectorPage.ts';
import { fundAccount } from './fundAccount.ts';
import type { App } from '../harness.ts';
import { startRelay } from './relay.ts';
import type { Relay } from './relay.ts';
import { startWalletConnectWallet } from './walletConnectWallet.ts';
import type { WalletConnectWallet, WalletConnectWalletOptions } from './walletConnectWallet.ts';

const KEY = `0x${'7e'.repeat(32)}` as const;

let relay: Relay;
/** A real local EVM: the wallet double sends the transactions it signs there. */
let chain: HardhatNode;
/** Where a relay was and is no more: reachable by the policy, answered by nobody. */
let deadRelayUrl: string;
let app: App;
let browser: Browser;
let pageDir: string;
let fixtures = 0;

beforeAll(async () => {
  pageDir = await mkdtemp(join(tmpdir(), 'tabnode-walletconnect-e2e-'));
  const dead = await startRelay();
  deadRelayUrl = dead.url;
  await dead.close();
  [relay, browser, chain] = await Promise.all([
    startRelay(),
    launchBrowser(),
    startHardhatNode(),
    buildConnectorPage(pageDir, { connector: 'src/wallets/walletConnect.ts', pageEntry: PAGE_ENTRY, title: 'WalletConnect e2e' }),
  ]);
  // The page's policy lets it reach both relays, as an operator would allow theirs.
  app = await startApp({ distDir: join(pageDir, 'out'), connectSrc: [relay.url, deadRelayUrl] });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await relay?.close();
  await chain?.stop();
  if (pageDir) await rm(pageDir, { recursive: true, force: true });
});


/** Plain JS, bundled by Vite: the page side of the proxy below. */
const PAGE_ENTRY = `
const accounts = new Map();
let next = 0;
window.pairingUris = [];
window.tabnodeWalletConnect = async (op, settings, arg) => {
  try {
    const { walletConnectConnector } = await import(CONNECTOR);
    const connector = walletConnectConnector(settings);
    if (op === 'info') return { value: connector.info };
    if (op === 'disconnect') return { value: await connector.disconnect() ?? null };
    if (op === 'sign') {
      const account = accounts.get(arg.id);
      return { value: await account.signMessage({ message: arg.message }) };
    }
    if (op === 'sendTransaction') return { value: await accounts.get(arg.id).sendTransaction(arg.tx, arg.chain) };
    if (op === 'signTypedData') return { value: await accounts.get(arg.id).signTypedData(arg.typedData) };
    const account = op === 'connect'
      ? await connector.connect({ onPairingUri: (uri) => { window.pairingUris.push(uri); void window.pairWallet(uri); } })
      : await connector.restore();
    if (!account) return { value: null };
    accounts.set(++next, account);
    return { value: { id: next, kind: account.kind, address: account.address, chainId: account.chainId } };
  } catch (e) {
    return { error: { name: e && e.name, message: (e && e.message) || String(e) } };
  }
};
`;

type Op = 'info' | 'connect' | 'restore' | 'disconnect' | 'sign' | 'sendTransaction' | 'signTypedData';
interface PageAccount {
  id: number;
  kind: 'ethereum';
  address: `0x${string}`;
  chainId: number;
}
type PageAnswer = { value: unknown } | { error: { name: string; message: string } };
type HarnessWindow = typeof globalThis & {
  tabnodeWalletConnect(op: Op, settings: WalletConnectSettings, arg?: unknown): Promise<PageAnswer>;
  pairingUris: string[];
};

/** Calls the connector in the page; its typed errors come back as the same classes. */
async function inPage<T>(page: Page, op: Op, settings: WalletConnectSettings, arg?: unknown): Promise<T> {
  const answer = await page.evaluate(([o, s, a]) => (window as unknown as HarnessWindow).tabnodeWalletConnect(o, s, a), [op, settings, arg] as const);
  if ('value' in answer) return answer.value as T;
  const { name, message } = answer.error;
  const error =
    name === 'WalletRejectedError' ? new WalletRejectedError('') : name === 'WalletUnavailableError' ? new WalletUnavailableError() : name === 'WalletChainError' ? new WalletChainError('', 0) : new Error();
  // As the constructor would have set it (non-enumerable), so errors compare equal.
  Object.defineProperty(error, 'message', { value: message, writable: true, configurable: true });
  throw error;
}

/** A WalletConnector whose every call runs in the page. */
function pageConnector(page: Page, settings: WalletConnectSettings): WalletConnector {
  const account = (a: PageAccount): EthereumWalletAccount => ({
    kind: a.kind,
    address: a.address,
    chainId: a.chainId,
    signMessage: ({ message }) => inPage<string>(page, 'sign', settings, { id: a.id, message }),
    sendTransaction: (tx, chain) => inPage<`0x${string}`>(page, 'sendTransaction', settings, { id: a.id, tx, chain }),
    signTypedData: (typedData) => inPage<`0x${string}`>(page, 'signTypedData', settings, { id: a.id, typedData }),
  });
  return {
    info: WALLETCONNECT_INFO,
    connect: async () => account(await inPage<PageAccount>(page, 'connect', settings)),
    restore: async () => {
      const a = await inPage<PageAccount | null>(page, 'restore', settings);
      return a ? account(a) : undefined;
    },
    disconnect: () => inPage<void>(page, 'disconnect', settings),
  };
}

interface Fixture {
  context: BrowserContext;
  page: Page;
  wallet: WalletConnectWallet;
  settings: WalletConnectSettings;
  connector: WalletConnector;
  /** Console errors and page errors, for assertions. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh browser context (fresh IndexedDB) on the page, and a wallet double of its own. */
async function openFixture(overrides: Partial<WalletConnectSettings> = {}, walletOptions: Partial<WalletConnectWalletOptions> = {}): Promise<Fixture> {
  const [context, wallet] = await Promise.all([browser.newContext(), startWalletConnectWallet({ relayUrl: relay.url, privateKey: KEY, ...walletOptions })]);
  const errors: string[] = [];
  await context.exposeBinding('pairWallet', (_source, uri: string) => wallet.pair(uri));
  const page = await context.newPage();
  forwardErrors('walletconnect-page', errors, page);
  await page.goto(app.url);
  await page.waitForFunction(() => 'tabnodeWalletConnect' in window);
  // Verify off: offline its iframe stalls ~5 s per message (measured in its own test below).
  const settings: WalletConnectSettings = { projectId: `e2e-${++fixtures}`, relayUrl: relay.url, verify: false, ...overrides };
  return {
    context,
    page,
    wallet,
    settings,
    connector: pageConnector(page, settings),
    errors,
    close: async () => {
      await context.close();
      await wallet.close();
    },
  };
}

runWalletConnectorContract(
  'WalletConnect in Chromium, through the local relay',
  async () => {
    const f = await openFixture();
    return {
      connector: f.connector,
      expected: { address: f.wallet.address, chainId: 1 },
      reject: () => f.wallet.declineAll(),
      prompts: () => f.wallet.proposals.length,
      teardown: f.close,
    };
  },
  { timeoutMs: 60_000 },
);

// Transactions too: the page's connector asks, the wallet double (a fresh funded key, in
// this process) signs and sends them to Hardhat's node.
runWalletConnectorContract(
  'WalletConnect in Chromium, with a local chain',
  async () => {
    const f = await openFixture({ chainId: HARDHAT_CHAIN_ID }, { privateKey: generatePrivateKey(), chainId: HARDHAT_CHAIN_ID, rpcUrl: chain.url });
    await fundAccount(chain.url, f.wallet.address);
    return {
      connector: f.connector,
      expected: { address: f.wallet.address, chainId: HARDHAT_CHAIN_ID },
      reject: () => f.wallet.declineAll(),
      prompts: () => f.wallet.proposals.length,
      chain: { rpcUrl: chain.url, chainId: HARDHAT_CHAIN_ID },
      teardown: f.close,
    };
  },
  { timeoutMs: 60_000 },
);

describe('WalletConnect connector in Chromium', () => {
  test('the page lists itself as WalletConnect; the pairing URI names the local relay', async () => {
    const f = await openFixture();
    try {
      expect(await inPage(f.page, 'info', f.settings)).toEqual(WALLETCONNECT_INFO);
      await f.connector.connect();
      const [uri] = await f.page.evaluate(() => (window as unknown as HarnessWindow).pairingUris);
      expect(uri).toMatch(/^wc:[0-9a-f]{64}@2\?/);
      expect(new URLSearchParams(uri!.split('?')[1]).get('relay-protocol')).toBe('irn');
    } finally {
      await f.close();
    }
  });

  test('pair + personal_sign round trip; the signature recovers to the wallet (timed)', async () => {
    const f = await openFixture();
    try {
      const t0 = performance.now();
      const account = (await f.connector.connect()) as EthereumWalletAccount;
      const t1 = performance.now();
      const message = `Tabnode e2e ✓ ${Date.now()}`;
      const signature = await account.signMessage({ message });
      const t2 = performance.now();
      expect(await recoverMessageAddress({ message, signature: signature as `0x${string}` })).toBe(f.wallet.address);
      // A second signature: no SDK start-up, no pairing, just the round trip.
      const again = performance.now();
      await account.signMessage({ message: 'second' });
      const t3 = performance.now();
      console.log(
        `walletconnect timings (Chromium, local relay, Verify off): connect ${Math.round(t1 - t0)} ms (first one loads the SDK), ` +
          `first sign ${Math.round(t2 - t1)} ms, second sign ${Math.round(t3 - again)} ms`,
      );
      expect(f.errors).toEqual([]);
    } finally {
      await f.close();
    }
  });

  test('after a reload, restore finds the session in IndexedDB without a new proposal, and it signs', async () => {
    const f = await openFixture();
    try {
      const first = await f.connector.connect();
      await f.page.reload();
      await f.page.waitForFunction(() => 'tabnodeWalletConnect' in window);
      const restored = (await f.connector.restore!()) as EthereumWalletAccount;
      expect(restored.address).toBe(first.address);
      expect(f.wallet.proposals).toHaveLength(1);
      const signature = await restored.signMessage({ message: 'after reload' });
      expect(await recoverMessageAddress({ message: 'after reload', signature: signature as `0x${string}` })).toBe(f.wallet.address);
    } finally {
      await f.close();
    }
  });

  test('disconnect tells the wallet and survives a reload: nothing to restore', async () => {
    const f = await openFixture();
    try {
      await f.connector.connect();
      const [topic] = f.wallet.sessionTopics();
      await f.connector.disconnect();
      await expect.poll(() => f.wallet.deletedSessions).toEqual([topic]);
      expect(f.wallet.sessionTopics()).toEqual([]);
      await f.page.reload();
      await f.page.waitForFunction(() => 'tabnodeWalletConnect' in window);
      expect(await f.connector.restore!()).toBeUndefined();
    } finally {
      await f.close();
    }
  });

  test('a declined personal_sign (EIP-1193 4001 or WalletConnect 5000) is WalletRejectedError naming the wallet', async () => {
    const f = await openFixture();
    try {
      const account = (await f.connector.connect()) as EthereumWalletAccount;
      f.wallet.rejectNextRequest({ code: 4001, message: 'User denied message signature' });
      await expect(account.signMessage({ message: 'no' })).rejects.toThrow(
        new WalletRejectedError('Tabnode Test Wallet', 'User denied message signature'),
      );
      f.wallet.rejectNextRequest();
      await expect(account.signMessage({ message: 'no' })).rejects.toThrow(WalletRejectedError);
    } finally {
      await f.close();
    }
  });

  test('an unreachable relay is WalletUnavailableError pointing at Settings', async () => {
    const f = await openFixture({ relayUrl: deadRelayUrl, relayTimeoutMs: 3_000 });
    try {
      await expect(f.connector.connect()).rejects.toThrow(/could not use the WalletConnect relay at ws:\/\/127\.0\.0\.1:\d+ .*in Settings/);
    } finally {
      await f.close();
    }
  });

  test('missing project id is WalletUnavailableError saying to set it in Settings', async () => {
    const f = await openFixture({ projectId: '' });
    try {
      await expect(f.connector.connect()).rejects.toThrow(new WalletUnavailableError('WalletConnect has no project id: set the WalletConnect project id and relay URL in Settings'));
    } finally {
      await f.close();
    }
  });

  test('with Verify on (the default) offline, pairing and signing still work, each about 5 s slower', async () => {
    const f = await openFixture({ verify: undefined });
    try {
      const t0 = performance.now();
      const account = (await f.connector.connect()) as EthereumWalletAccount;
      const t1 = performance.now();
      const signature = await account.signMessage({ message: 'verified?' });
      const t2 = performance.now();
      expect(await recoverMessageAddress({ message: 'verified?', signature: signature as `0x${string}` })).toBe(f.wallet.address);
      console.log(`walletconnect timings with Verify on, offline: connect ${Math.round(t1 - t0)} ms, sign ${Math.round(t2 - t1)} ms`);
      expect(t2 - t1).toBeGreaterThan(4_000);
    } finally {
      await f.close();
    }
  });
});

/** A raw relay client: JSON-RPC calls, and the irn_subscription pushes it receives (acknowledged). */
async function relayClient(url: string, clientId?: string) {
  const ws = new WebSocket(clientId ? `${url}?auth=${fakeJwt(clientId)}&projectId=x` : url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const pushes: { id: string; data: { topic: string; message: string; tag: number; publishedAt: number } }[] = [];
  const waiting = new Map<number, (payload: { result?: unknown; error?: { code: number; message: string } }) => void>();
  ws.on('message', (data) => {
    const payload = JSON.parse(String(data));
    if (payload.method === 'irn_subscription') {
      pushes.push(payload.params);
      ws.send(JSON.stringify({ id: payload.id, jsonrpc: '2.0', result: true }));
    } else waiting.get(payload.id)?.(payload);
  });
  let id = 0;
  return {
    ws,
    pushes,
    call: (method: string, params: unknown) =>
      new Promise<{ result?: unknown; error?: { code: number; message: string } }>((resolve) => {
        waiting.set(++id, resolve);
        ws.send(JSON.stringify({ id, jsonrpc: '2.0', method, params }));
      }),
    close: () => ws.close(),
  };
}

/** The shape of the SDK's auth JWT; only `iss` matters to the relay, and nothing is verified. */
function fakeJwt(iss: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'EdDSA', typ: 'JWT' })}.${part({ iss, sub: 'x', aud: 'ws://relay', iat: 0, exp: 1 })}.c2ln`;
}

const topic = (n: number) => createHash('sha256').update(`topic ${n}`).digest('hex');
const settle = () => new Promise((r) => setTimeout(r, 100));

describe('local WalletConnect relay', () => {
  test('routes by topic, replays stored messages to later subscribers, never back to the publisher', async () => {
    const r = await startRelay();
    const [a, b] = await Promise.all([relayClient(r.url, 'did:key:a'), relayClient(r.url, 'did:key:b')]);
    try {
      expect((await a.call('irn_subscribe', { topic: topic(1) })).result).toBe(createHash('sha256').update(`${topic(1)}did:key:a`).digest('hex'));
      expect((await a.call('irn_publish', { topic: topic(1), message: 'm1', ttl: 300, tag: 1108 })).result).toBe(true);
      await b.call('irn_batchSubscribe', { topics: [topic(1), topic(2)] });
      await settle();
      expect(b.pushes.map((p) => [p.data.topic, p.data.message, p.data.tag])).toEqual([[topic(1), 'm1', 1108]]);
      await b.call('irn_publish', { topic: topic(1), message: 'm2', ttl: 300, tag: 1109 });
      await settle();
      expect(a.pushes.map((p) => p.data.message)).toEqual(['m2']);
      expect(b.pushes.map((p) => p.data.message)).toEqual(['m1']);
      // A reconnect with the same client id does not get its own messages back.
      const a2 = await relayClient(r.url, 'did:key:a');
      await a2.call('irn_subscribe', { topic: topic(1) });
      await settle();
      expect(a2.pushes.map((p) => p.data.message)).toEqual(['m2']);
      expect((await a2.call('irn_batchFetchMessages', { topics: [topic(1)] })).result).toMatchObject({ messages: [{ message: 'm2' }], hasMore: false });
      a2.close();
      await b.call('irn_unsubscribe', { topic: topic(1), id: 'x' });
      await a.call('irn_publish', { topic: topic(1), message: 'm3', ttl: 300 });
      await settle();
      expect(b.pushes.map((p) => p.data.message)).toEqual(['m1']);
    } finally {
      a.close();
      b.close();
      await r.close();
    }
  });

  test('wc_proposeSession and wc_approveSession subscribe the caller and publish with tags 1100, 1101, 1102', async () => {
    const r = await startRelay();
    const [dapp, wallet] = await Promise.all([relayClient(r.url, 'did:key:dapp'), relayClient(r.url, 'did:key:wallet')]);
    try {
      const [pairing, session] = [topic(10), topic(11)];
      await dapp.call('wc_proposeSession', { pairingTopic: pairing, sessionProposal: 'proposal', ttl: 300 });
      await wallet.call('irn_subscribe', { topic: pairing });
      await wallet.call('wc_approveSession', { sessionTopic: session, pairingTopic: pairing, sessionProposalResponse: 'response', sessionSettlementRequest: 'settle' });
      await settle();
      expect(wallet.pushes.map((p) => [p.data.message, p.data.tag])).toEqual([['proposal', 1100]]);
      expect(dapp.pushes.map((p) => [p.data.message, p.data.tag])).toEqual([['response', 1101]]);
      await dapp.call('irn_subscribe', { topic: session });
      await dapp.call('irn_publish', { topic: session, message: 'settled', ttl: 300, tag: 1103 });
      await settle();
      expect(dapp.pushes.map((p) => p.data.message)).toEqual(['response', 'settle']);
      expect(wallet.pushes.map((p) => p.data.message)).toEqual(['proposal', 'settled']);
    } finally {
      dapp.close();
      wallet.close();
      await r.close();
    }
  });

  test('refuses what it cannot or will not hold, with JSON-RPC errors', async () => {
    const r = await startRelay({ limits: { maxTopics: 3, maxMessageChars: 100, maxBatch: 2, maxMessagesPerTopic: 2, maxFrameBytes: 4096 } });
    const c = await relayClient(r.url);
    try {
      expect((await c.call('irn_publish', { topic: topic(1), message: 'x'.repeat(101), ttl: 300 })).error).toMatchObject({ code: -32000, message: expect.stringMatching(/over the relay's limit of 100/) });
      expect((await c.call('irn_batchSubscribe', { topics: [topic(1), topic(2), topic(3)] })).error?.message).toMatch(/limit is 2/);
      expect((await c.call('irn_subscribe', { topic: 'not-a-topic' })).error?.code).toBe(-32602);
      expect((await c.call('irn_nonsense', {})).error?.code).toBe(-32601);
      for (const n of [1, 2, 3]) await c.call('irn_subscribe', { topic: topic(n) });
      expect((await c.call('irn_subscribe', { topic: topic(4) })).error?.message).toMatch(/relay full: 3 topics/);
      for (const m of ['a', 'b', 'c']) await c.call('irn_publish', { topic: topic(1), message: m, ttl: 300 });
      expect(r.stats()).toMatchObject({ topics: 3, messages: 2 });
      // A frame over maxFrameBytes closes the socket (1009, message too big).
      const closed = new Promise<number>((resolve) => c.ws.once('close', resolve));
      c.ws.send('x'.repeat(5000));
      expect(await closed).toBe(1009);
    } finally {
      c.close();
      await r.close();
    }
  });

  test('messages expire with their ttl and are not replayed after', async () => {
    const r = await startRelay();
    const [a, b] = await Promise.all([relayClient(r.url, 'did:key:a'), relayClient(r.url, 'did:key:b')]);
    try {
      await a.call('irn_publish', { topic: topic(1), message: 'short-lived', ttl: 1 });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await b.call('irn_subscribe', { topic: topic(1) });
      await settle();
      expect(b.pushes).toEqual([]);
    } finally {
      a.close();
      b.close();
      await r.close();
    }
  });
});
