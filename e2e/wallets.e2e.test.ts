import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { generatePrivateKey } from 'viem/accounts';
import type { ContextView } from '../src/node/index.ts';
import { expectAccessible } from './axe.ts';
import { eventually } from './eventually.ts';
import { launchPeers, screenshot, startApp, type App, type Peers } from './harness.ts';
import { contextView } from './tabnode.ts';
import { installInjectedEthereumWallet } from './wallets/injectedEthereum.ts';
import { installInjectedStarknetWallet, randomStarkKey } from './wallets/injectedStarknet.ts';
import { startRelay, type Relay } from './wallets/relay.ts';
import { startWalletConnectWallet, type WalletConnectWallet } from './wallets/walletConnectWallet.ts';

/**
 * Wallet-rooted identities between real Chromium peers: logging in with an injected
 * EIP-6963 wallet, WalletConnect (a real wallet client over a local relay) and a
 * get-starknet wallet, each signing with a real key; A (Ethereum, WalletConnect) invites
 * B (Starknet); A logs in on a second browser, revokes the first device, and B refuses
 * that device's later writes; a browser whose storage was cleared gets its contexts back
 * by logging in with the wallet again.
 */

let app: App;
let relay: Relay;
let peers: Peers;
let wcWallet: WalletConnectWallet;
let A1: Page, A2: Page, B: Page, X: Page;
let contextId: string;
let starknetKey: string;

const view = (page: Page): Promise<ContextView> => contextView(page, contextId);
const rootId = (page: Page) => page.evaluate(async () => (await window.tabnode!.identity.status()).root?.id);

/** Point this browser's WalletConnect at the local relay (any project id: the relay ignores it). */
async function useLocalRelay(page: Page): Promise<void> {
  await page.waitForFunction(() => window.tabnode !== undefined);
  await page.evaluate(async (relayUrl) => {
    const n = window.tabnode!;
    const s = await n.settings.get();
    await n.settings.update({ ...s, walletConnect: { projectId: 'tabnode-e2e', relayUrl } });
  }, relay.url);
}

/** Welcome → Log in with a wallet → pick `wallet`; returns once the identity page shows a root. */
async function loginWith(page: Page, wallet: string | RegExp, label: string, whilePairing?: (uri: string) => Promise<void>): Promise<void> {
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Log in with a wallet' }).click();
  await page.getByLabel('Name for this device').fill(label);
  await page.getByRole('button', { name: wallet }).click();
  if (whilePairing) {
    const uri = await page.getByTestId('walletconnect-uri').inputValue({ timeout: 30_000 });
    expect(uri).toMatch(/^wc:/);
    await whilePairing(uri);
  }
  await eventually('a wallet root', () => rootId(page), (id) => Boolean(id), 60_000);
}

async function writeKey(page: Page, key: string): Promise<{ key: string; valid: boolean; reason?: string }> {
  return page.evaluate(([id, k]) => window.tabnode!.contexts.open(id!).write({ method: 'set', args: { key: k!, value: k! } }), [contextId, key]);
}

async function clearStorage(context: BrowserContext, page: Page): Promise<void> {
  await page.evaluate(async () => {
    localStorage.clear();
    for (const db of await indexedDB.databases()) if (db.name) indexedDB.deleteDatabase(db.name);
  });
  await context.clearCookies();
}

beforeAll(async () => {
  relay = await startRelay();
  // The app's policy must let pages reach the test relay, as an operator would allow theirs.
  app = await startApp({ connectSrc: [relay.url] });
  wcWallet = await startWalletConnectWallet({ relayUrl: relay.url, privateKey: generatePrivateKey(), chainId: 1 });
  peers = await launchPeers(4, { app, path: null, name: 'wallet' });
  const [a1, a2, b, x] = peers.peers;
  starknetKey = randomStarkKey();
  await installInjectedStarknetWallet(b!.context, { privateKey: starknetKey, chainId: 'SN_SEPOLIA', name: 'Test Starknet Wallet', id: 'tabnodetest' });
  await installInjectedEthereumWallet(x!.context, { privateKey: generatePrivateKey(), chainId: 1, name: 'Test Wallet', rdns: 'org.tabnode.testwallet' });
  [A1, A2, B, X] = [a1!.page, a2!.page, b!.page, x!.page];
  await Promise.all([A1, A2, B, X].map((p) => p.goto(app.url)));
  await Promise.all([useLocalRelay(A1), useLocalRelay(A2)]);
}, 120_000);

afterAll(async () => {
  await peers?.close();
  await wcWallet?.close();
  await relay?.close();
  await app?.close();
});

describe('wallet-rooted identities in real browsers', () => {
  test('an injected EIP-6963 wallet is listed by name and logs in', async () => {
    await X.getByRole('button', { name: 'Log in with a wallet' }).click();
    await X.getByRole('button', { name: /Test Wallet/ }).waitFor();
    await screenshot(X, 'wallet-list');
    await X.getByRole('button', { name: /Test Wallet/ }).click();
    await eventually('an Ethereum root', () => rootId(X), (id) => /^eip155:1:0x[0-9a-fA-F]{40}$/.test(id ?? ''));
    await X.getByRole('link', { name: 'Identity' }).click();
    await X.getByTestId('root-id').waitFor();
    await screenshot(X, 'wallet-identity-ethereum');
  });

  test('A logs in through WalletConnect: pairing code, then the wallet signs the challenge', async () => {
    await loginWith(A1, /WalletConnect/, 'A first browser', async (uri) => {
      await screenshot(A1, 'walletconnect-pairing');
      await wcWallet.pair(uri);
    });
    expect(await rootId(A1)).toBe(`eip155:1:${wcWallet.address}`);
    expect(wcWallet.requests.some((r) => r.method === 'personal_sign' && r.outcome === 'signed')).toBe(true);
  });

  test('B logs in with a get-starknet wallet', async () => {
    await loginWith(B, /Test Starknet Wallet/, 'B laptop');
    expect(await rootId(B)).toMatch(/^starknet:SN_SEPOLIA:0x[0-9a-f]{64}$/);
    await B.getByRole('link', { name: 'Identity' }).click();
    await B.getByTestId('root-id').waitFor();
    await screenshot(B, 'wallet-identity-starknet');
  });

  test('A invites B; both write', async () => {
    contextId = await A1.evaluate(() => window.tabnode!.contexts.create('Wallet team'));
    const link = await A1.evaluate((id) => window.tabnode!.contexts.open(id).invite({ role: 'writer' }), contextId);
    await B.goto(link);
    await B.getByRole('button', { name: 'Join' }).click();
    await eventually('B joined', () => view(B), (v) => !v.joining && v.myRole === 'writer', 60_000);
    expect(await writeKey(A1, 'from-a')).toMatchObject({ valid: true });
    expect(await writeKey(B, 'from-b')).toMatchObject({ valid: true });
    for (const p of [A1, B]) await eventually('both writes', () => view(p), (v) => ['from-a', 'from-b'].every((k) => v.kv.some(([key]) => key === k)));
  });

  test('A logs in on a second browser, gets the context back, and revokes the first device; B refuses its later writes', async () => {
    await loginWith(A2, /WalletConnect/, 'A second browser', (uri) => wcWallet.pair(uri));
    expect(await rootId(A2)).toBe(await rootId(A1));
    // Membership belongs to the root: the second browser finds the context through members.
    await eventually('A2 holds the context', () => A2.evaluate(() => window.tabnode!.contexts.list()), (l) => l.some((c) => c.id === contextId && !c.joining), 90_000);

    const firstKey = await A1.evaluate(async () => (await window.tabnode!.identity.status()).device.publicKey);
    await A2.goto(new URL('/identity', app.url).href);
    const row = A2.locator(`[data-testid="device-row"][data-key="${firstKey}"]`);
    await row.waitFor({ timeout: 30_000 });
    await screenshot(A2, 'devices-before-revoke');
    await row.getByRole('button', { name: 'Revoke…' }).click();
    const confirm = A2.getByRole('dialog', { name: /^Revoke .*\?$/ });
    await confirm.waitFor();
    await expectAccessible(A2, 'the revoke-device confirmation');
    const desktop = A2.viewportSize();
    await A2.setViewportSize({ width: 375, height: 800 });
    await expectAccessible(A2, 'the revoke-device confirmation at 375 px');
    await screenshot(A2, 'devices-revoke-confirm-375');
    expect(await A2.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    if (desktop) await A2.setViewportSize(desktop);
    await screenshot(A2, 'devices-revoke-confirm');
    await confirm.getByRole('button', { name: 'Revoke device' }).click();
    await row.getByText('Revoked').waitFor({ timeout: 60_000 });
    await screenshot(A2, 'devices-after-revoke');

    await eventually('B knows the first device is revoked', () => view(B), (v) => v.members.some((m) => m.devices.some((d) => d.revoked)), 60_000);
    const late = await writeKey(A1, 'late-from-revoked-device');
    await eventually(
      'B refuses the revoked device’s write',
      () => view(B),
      // Refused as an op, or (once B no longer admits the revoked device at all) ignored unread with the reason.
      (v) => v.invalidOps.some((o) => o.key === late.key && o.reason === 'revoked-key') || v.rejected.some((r) => r.key === late.key || r.reason === 'not-admitted'),
      60_000,
    );
    expect((await view(B)).kv.map(([k]) => k)).not.toContain('late-from-revoked-device');
    expect(await writeKey(A2, 'from-a2')).toMatchObject({ valid: true });
  });

  test('after clearing its storage, B logs in with its wallet again and regains its place', async () => {
    const bContext = peers.peers[2]!.context;
    await clearStorage(bContext, B);
    await B.goto(app.url);
    await B.getByRole('button', { name: 'Log in with a wallet' }).waitFor();
    await loginWith(B, /Test Starknet Wallet/, 'B after reset');
    await eventually('B holds the context again', () => B.evaluate(() => window.tabnode!.contexts.list()), (l) => l.some((c) => c.id === contextId && !c.joining), 90_000);
    expect((await view(B)).myRole).toBe('writer');
    expect(await writeKey(B, 'from-b-again')).toMatchObject({ valid: true });
    await eventually('A2 sees it', () => view(A2), (v) => v.kv.some(([k]) => k === 'from-b-again'), 60_000);
    await B.goto(new URL('/contexts', app.url).href);
    await B.getByText('Wallet team').waitFor();
    await screenshot(B, 'recovered-contexts');
  });

  test('signing out ends the WalletConnect session with the wallet', async () => {
    const before = wcWallet.deletedSessions.length;
    await A1.goto(new URL('/identity', app.url).href);
    await A1.getByRole('button', { name: 'Sign out…' }).click();
    await A1.getByRole('button', { name: 'Sign out', exact: true }).click();
    await A1.getByRole('button', { name: 'Log in with a wallet' }).waitFor();
    await eventually('the wallet saw the session end', async () => wcWallet.deletedSessions.length, (n) => n > before);
  });
});
