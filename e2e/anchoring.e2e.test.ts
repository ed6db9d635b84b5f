import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { createWalletClient, http } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { ContextView } from '../src/node/index.ts';
import type { Address, Hash32 } from '../src/core/anchor/AnchorChain.ts';
import { eip1193AnchorWriter } from '../src/adapters/chain/registry/eip1193AnchorWriter.ts';
import { startRegistryNode, type RegistryNode } from '../src/adapters/chain/registry/testkit.ts';
import { viemAnchorChain } from '../src/adapters/chain/registry/viemAnchorChain.ts';
import { eventually } from './eventually.ts';
import { launchPeers, screenshot, startApp, unexpectedErrors, type App, type Peers } from './harness.ts';
import { expectAccessible } from './axe.ts';
import { contextView, signIn } from './tabnode.ts';
import { fundAccount } from './wallets/fundAccount.ts';
import { installInjectedEthereumWallet } from './wallets/injectedEthereum.ts';

/**
 * On-chain anchoring between real Chromium peers over real WebRTC, against a real local
 * chain (Hardhat with the registry) served at /chain: A (an Ethereum root whose injected
 * wallet double signs and sends real transactions) creates an anchored context through the
 * UI and the wallet registers it; anchors made by policy are verified by B; C, kept from
 * its own removal, alerts withheld history; a device key revoked on chain while its
 * revoker and the device are cut off is imported by B, which then refuses the device; an
 * app whose hash differs from the anchored one is refused.
 */

let chain: RegistryNode;
let app: App;
let peers: Peers;
let A: Page, B: Page, C: Page, D: Page;
let contextId: string;
const aKey = generatePrivateKey();
const aAddress = privateKeyToAccount(aKey).address;

const view = (page: Page, id = contextId): Promise<ContextView> => contextView(page, id);
const anchors = async (page: Page, id = contextId) => (await view(page, id)).anchors;
const rootId = (page: Page) => page.evaluate(async () => (await window.tabnode!.identity.status()).root!.id);
const contextUrl = (id: string) => new URL(`/contexts/${id}`, app.url).href;

async function joinByLink(page: Page, link: string, id: string): Promise<void> {
  await page.goto(link);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByTestId('context-name').waitFor();
  await eventually('joined', () => view(page, id), (v) => !v.joining, 60_000);
}

async function invite(id: string): Promise<string> {
  return A.evaluate((i) => window.tabnode!.contexts.open(i).invite({ role: 'writer' }), id);
}

/** A context page's anchor status badge, once it reads `status`. */
async function statusBadge(page: Page, status: string): Promise<void> {
  await page.locator(`[data-testid=anchor-status][data-status="${status}"]`).waitFor({ timeout: 60_000 });
}

beforeAll(async () => {
  chain = await startRegistryNode();
  app = await startApp({ chain: { rpcUrl: chain.url, registry: chain.registry, chainId: chain.chainId, faucet: true } });
  await app.chain;
  peers = await launchPeers(4, { app, path: null, name: 'anchor' });
  [A, B, C, D] = peers.peers.map((p) => p.page) as [Page, Page, Page, Page];
  // A's wallet: a fresh key with gas, sending what it signs straight to the chain.
  await fundAccount(chain.url, aAddress);
  await installInjectedEthereumWallet(peers.peers[0]!.context, { privateKey: aKey, chainId: chain.chainId, rpcUrl: chain.url, name: 'Test Wallet' });
  await Promise.all([A, B, C, D].map((p) => p.goto(app.url)));
  await Promise.all([signIn(B, 'Bob laptop'), signIn(C, 'Carol laptop'), signIn(D, 'Dan phone')]);
}, 120_000);

afterAll(async () => {
  await peers?.close();
  await app?.close();
  await chain?.stop();
});

describe('anchoring on chain across real browsers', () => {
  test('A logs in with its wallet and creates an anchored context through the UI; the wallet registers it; B and C join', async () => {
    await A.getByRole('button', { name: 'Log in with a wallet' }).click();
    await A.getByLabel('Name for this device').fill('Alice laptop');
    await A.getByRole('button', { name: /Test Wallet/ }).click();
    await eventually('an Ethereum root', () => rootId(A), (id) => id?.toLowerCase() === `eip155:${chain.chainId}:${aAddress.toLowerCase()}`, 60_000);

    await A.goto(app.url);
    await A.getByLabel('Name', { exact: true }).fill('Anchored team');
    const box = A.getByTestId('anchor-context');
    await box.waitFor();
    expect(await box.isChecked()).toBe(true);
    await A.getByRole('button', { name: 'Create context' }).click();
    await A.getByTestId('context-name').waitFor({ timeout: 60_000 });
    contextId = new URL(A.url()).pathname.split('/').at(-1)!;
    expect(contextId).toMatch(/^[0-9a-f]{64}$/);

    const registered = await eventually('A sees its registration', () => anchors(A), (a) => a?.registered === true && a.status === 'unanchored', 60_000);
    expect(registered!.binding).toEqual({ chainId: chain.chainId, registry: chain.registry.toLowerCase(), owner: aAddress.toLowerCase() });
    const reg = registered!.txs.find((t) => t.kind === 'register');
    expect(reg).toMatchObject({ state: 'confirmed' });
    expect(Number(reg!.gasUsed)).toBeGreaterThan(21_000);
    await statusBadge(A, 'unanchored');
    const regRow = A.locator('[data-testid=anchor-txs] li[data-kind=register][data-state=confirmed]');
    expect(await regRow.textContent()).toMatch(/register: confirmed · tx 0x[0-9a-f]{8}…[0-9a-f]{6} · block \d+ · [\d,]+ gas/);

    await joinByLink(B, await invite(contextId), contextId);
    await joinByLink(C, await invite(contextId), contextId);
    for (const p of [A, B, C]) await eventually('three members', () => view(p), (v) => v.members.length === 3 && !v.joining, 60_000);
    // B learnt the binding from the genesis op, and reads the same registration.
    await eventually('B reads the registration', () => anchors(B), (a) => a?.registered === true && a.binding.owner === aAddress.toLowerCase(), 30_000);
  });

  test('with automatic anchoring on, A removes C (kept offline); the policy anchors it and B verifies the same anchor', async () => {
    await A.getByRole('button', { name: 'Anchor automatically with my wallet' }).click();
    await A.getByTestId('anchoring-automatically').waitFor();
    expect(await A.getByTestId('anchoring-automatically').textContent()).toContain(aAddress.toLowerCase().slice(0, 10));

    // Turned on, it anchors what is already due at once: the two joins.
    const joins = await eventually('the joins anchored', () => anchors(A), (a) => a?.status === 'in-sync' && a.latest !== undefined && a.due === undefined, 60_000);

    // C works offline for this context: it never receives its removal.
    await C.getByRole('button', { name: 'Work offline' }).click();
    await eventually('C offline', () => view(C), (v) => !v.online && v.peers.length === 0);

    const cRoot = await rootId(C);
    await A.locator(`[data-testid=member][data-root="${cRoot}"]`).getByRole('button', { name: 'Remove' }).click();
    await A.getByRole('dialog').getByRole('button', { name: 'Remove member' }).click();
    await eventually('C removed on A', () => view(A), (v) => !v.members.some((m) => m.root === cRoot));

    const anchored = await eventually('the policy anchors the removal', () => anchors(A), (a) => a?.status === 'in-sync' && a.latest !== undefined && BigInt(a.latest.seq) > BigInt(joins!.latest!.seq), 60_000);
    const tx = anchored!.txs.find((t) => t.kind === 'anchor' && t.state === 'confirmed');
    expect(tx?.txHash).toBe(anchored!.latest!.txHash);
    expect(Number(tx?.gasUsed)).toBeGreaterThan(21_000);
    await eventually('B verifies the same anchor', () => anchors(B), (a) => a?.status === 'in-sync' && a.latest?.txHash === anchored!.latest!.txHash && a.latest.seq === anchored!.latest!.seq, 60_000);

    for (const p of [A, B]) {
      await statusBadge(p, 'in-sync');
      expect(await p.getByTestId('latest-anchor').getAttribute('data-seq')).toBe(anchored!.latest!.seq);
      expect(await p.getByTestId('latest-anchor').textContent()).toContain(anchored!.latest!.txHash.slice(0, 10));
    }
    await A.getByTestId('anchors-panel').scrollIntoViewIfNeeded();
    await screenshot(A, 'anchors-panel-owner');
    await expectAccessible(A, 'anchors panel (owner)');
    await B.getByTestId('anchors-panel').scrollIntoViewIfNeeded();
    await screenshot(B, 'anchors-panel-member-in-sync');

    // The dashboard's health card says the same: in sync with the chain, at that anchor's seq.
    await B.goto(new URL('/dashboard', app.url).href);
    const health = B.locator(`[data-testid=context-health][data-context="${contextId}"]`).getByTestId('health-anchor');
    // In words; the status code is the tooltip.
    await health.locator('.badge.good[title="in-sync"]', { hasText: 'in sync' }).waitFor({ timeout: 30_000 });
    expect(await health.textContent()).toContain(`seq ${anchored!.latest!.seq}`);
    await health.scrollIntoViewIfNeeded();
    await screenshot(B, 'dashboard-anchor-in-sync');
    await B.goto(contextUrl(contextId));
    await statusBadge(B, 'in-sync');
  });

  test('C, shown a history without its removal, alerts withheld history naming the anchor’s block and tx', async () => {
    const latest = (await anchors(A))!.latest!;
    // The default bound: 20 s after C sees an anchored head it cannot get.
    const withheld = await eventually('C alerts withheld history', () => view(C), (v) => v.anchors?.status === 'withheld' && v.alerts.some((a) => a.kind === 'anchor'), 60_000);
    const alert = withheld.alerts.find((a) => a.kind === 'anchor')!;
    expect(alert.message).toMatch(/Withheld history/);
    expect(alert.message).toContain(latest.txHash);
    expect(alert.message).toContain(`block ${latest.blockNumber}`);
    await statusBadge(C, 'withheld');
    const alertRow = C.locator('[data-testid=alerts] li', { hasText: 'Withheld history' });
    await alertRow.waitFor();
    expect(await alertRow.textContent()).toContain(latest.txHash);
    await C.getByTestId('alerts').scrollIntoViewIfNeeded();
    await screenshot(C, 'anchors-withheld-alert');
    await expectAccessible(C, 'anchors panel with a withheld-history alert');
  });

  test('a device revoked on chain while its revoker and the device are cut off: B imports it and refuses the device', async () => {
    await joinByLink(D, await invite(contextId), contextId);
    for (const p of [A, B, D]) await eventually('A, B and D are members', () => view(p), (v) => v.members.length === 3 && !v.joining, 60_000);
    // D's device is lost: it reads no chain, so it never learns of its own revocation.
    await D.goto(new URL('/settings', app.url).href);
    await D.getByTestId('chain-rpc').fill('');
    await D.getByRole('button', { name: 'Save', exact: true }).click();
    await eventually('D reads no chain', () => D.evaluate(async () => (await window.tabnode!.settings.get()).chain.rpcUrl), (u) => u === '');
    await D.goto(contextUrl(contextId));
    await eventually('D knows it reads no chain', () => anchors(D), (a) => a?.chain.state === 'no-rpc');

    const dRoot = await rootId(D);
    const dKey = (await view(B)).members.find((m) => m.root === dRoot)!.devices[0]!.key;
    // Let the policy anchor D's addition first (A's wallet is busy otherwise).
    await eventually('D’s addition anchored', () => anchors(A), (a) => a?.status === 'in-sync' && !a.txs.some((t) => t.state === 'signing' || t.state === 'pending'), 60_000);

    // A and D go offline for the context.
    await A.getByRole('button', { name: 'Work offline' }).click();
    await D.getByRole('button', { name: 'Work offline' }).click();
    for (const p of [A, D]) await eventually('offline', () => view(p), (v) => !v.online && v.peers.length === 0);

    await A.getByTestId('revoke-on-chain-key').selectOption(dKey);
    await A.getByRole('button', { name: 'Revoke on chain' }).click();
    await eventually('A’s revocation confirmed', () => anchors(A), (a) => a?.txs.some((t) => t.kind === 'revoke-key' && t.state === 'confirmed') === true, 60_000);

    await eventually('B imports the revocation from the chain', () => view(B), (v) => v.members.find((m) => m.root === dRoot)?.devices.find((k) => k.key === dKey)?.revoked === true, 60_000);
    expect((await anchors(B))!.revokedOnChain).toContain(dKey);
    await B.getByTestId('revoked-on-chain').waitFor();
    expect(await B.getByTestId('revoked-on-chain').textContent()).toContain(`Dan phone (${dKey.slice(0, 10)}`);
    // B's members list shows the device revoked.
    await B.locator(`[data-testid=member][data-root="${dRoot}"] [data-testid=revoked-device][data-key="${dKey}"]`).waitFor();

    // D has not heard of it: it writes, and comes back.
    const late = await D.evaluate((id) => window.tabnode!.contexts.open(id).write({ method: 'set', args: { key: 'late-from-lost-device', value: 1 } }), contextId);
    expect(late.valid).toBe(true);
    await D.getByRole('button', { name: 'Go back online' }).click();
    await eventually('B refuses D’s device', () => view(B), (v) => v.peers.some((p) => p.key === dKey && p.state === 'refused'), 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await view(B)).kv.map(([k]) => k)).not.toContain('late-from-lost-device');
    await B.getByTestId('anchors-panel').scrollIntoViewIfNeeded();
    await screenshot(B, 'anchors-panel-member-revoked-on-chain');

    // A comes back: A and B exchange what they did apart (each imported the revocation, two
    // concurrent governance ops). A's policy anchors again, merging the heads first, and both
    // are in sync with that anchor.
    await A.getByRole('button', { name: 'Go back online' }).click();
    const aLatest = (await eventually('A has anchored its import of the revocation', () => anchors(A), (a) => a?.latest !== undefined && !['withheld', 'mismatch', 'fork'].includes(a.status), 60_000))!.latest!;
    await eventually(
      'A and B agree on the latest anchor',
      async () => {
        const [a, b] = [await view(A), await view(B)];
        return { a: a.anchors?.status, b: b.anchors?.status, aSeq: a.anchors?.latest?.seq, bSeq: b.anchors?.latest?.seq, aOps: a.opCount, bOps: b.opCount, aRoot: a.stateRoot, bRoot: b.stateRoot };
      },
      (v) => v.aSeq === v.bSeq && v.bSeq !== undefined && BigInt(v.bSeq) >= BigInt(aLatest.seq) && v.aOps === v.bOps && v.aRoot === v.bRoot && v.a === 'in-sync' && v.b === 'in-sync',
      60_000,
    );
    expect((await view(B)).kv.map(([k]) => k)).not.toContain('late-from-lost-device');
  });

  test('an app whose hash differs from the one anchored is flagged and refused', async () => {
    await A.goto(app.url);
    await A.getByLabel('Name', { exact: true }).fill('Anchored board');
    await A.locator('form[aria-labelledby=create-context-title] select').selectOption('team-board');
    expect(await A.getByTestId('anchor-context').isChecked()).toBe(true);
    await A.getByRole('button', { name: 'Create context' }).click();
    await A.getByRole('heading', { name: 'Board', exact: true }).waitFor({ timeout: 60_000 });
    const boardId = new URL(A.url()).pathname.split('/').at(-1)!;
    await eventually('registered', () => anchors(A, boardId), (a) => a?.registered === true, 60_000);

    await joinByLink(B, await invite(boardId), boardId);
    // B's joining is due an anchor; A (reloaded since) turns automatic anchoring on and it is made.
    await eventually('an anchor is due on A', () => anchors(A, boardId), (a) => a?.due !== undefined, 30_000);
    await A.getByRole('button', { name: 'Anchor automatically with my wallet' }).click();
    const boardAnchor = (await eventually('A anchors what was due', () => anchors(A, boardId), (a) => a?.status === 'in-sync' && a.latest !== undefined, 60_000))!.latest!;
    await eventually('B verifies it', () => anchors(B, boardId), (a) => a?.status === 'in-sync' && a.latest?.txHash === boardAnchor.txHash, 60_000);
    await eventually('B sees the app matches', () => anchors(B, boardId), (a) => a?.appMatches === true, 60_000);
    await B.locator('[data-testid=app-anchor][data-matches=true]').waitFor();
    expect(await B.evaluate((id) => window.tabnode!.contexts.open(id).call('create_task', { title: 'ok' }).then(() => 'ran'), boardId)).toBe('ran');

    // The owner records another build's hash on chain (test-side, with A's wallet key).
    const account = privateKeyToAccount(aKey);
    const devChain = { id: chain.chainId, name: 'dev', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [chain.url] } } };
    const wallet = createWalletClient({ account, chain: devChain, transport: http(chain.url) });
    const writer = eip1193AnchorWriter({
      request: async ({ method, params }) => {
        if (method === 'eth_chainId') return `0x${chain.chainId.toString(16)}`;
        if (method !== 'eth_sendTransaction') throw new Error(`unexpected ${method}`);
        const tx = (params as [{ to: `0x${string}`; data: `0x${string}` }])[0];
        return wallet.sendTransaction({ to: tx.to, data: tx.data });
      },
      from: account.address,
      chain: { rpcUrl: chain.url, chainId: chain.chainId, registry: chain.registry },
    });
    const owner = account.address.toLowerCase() as Address;
    const seq = (await viemAnchorChain({ rpcUrl: chain.url, chainId: chain.chainId, registry: chain.registry }).view(`0x${boardId}`, owner)).seq;
    const other = `0x${'ab'.repeat(32)}` as Hash32;
    await writer.wait(await writer.submit(`0x${boardId}`, owner, { kind: 'set-app', expectedSeq: seq, appHash: other }));

    const refused = await eventually('B flags the app', () => view(B, boardId), (v) => v.anchors?.appMatches === false && v.alerts.some((a) => a.kind === 'app-integrity'), 60_000);
    expect(refused.alerts.find((a) => a.kind === 'app-integrity')?.message).toMatch(/not the one anchored on chain/);
    await B.locator('[data-testid=app-anchor][data-matches=false]').waitFor();
    await B.getByTestId('app-refused').waitFor();
    const call = await B.evaluate((id) => window.tabnode!.contexts.open(id).call('create_task', { title: 'refused' }).then(() => 'ran', (e: Error) => e.message), boardId);
    expect(call).toMatch(/anchored on chain/);
    await B.getByTestId('anchors-panel').scrollIntoViewIfNeeded();
    await screenshot(B, 'anchors-panel-app-differs');
    await expectAccessible(B, 'anchors panel when the app differs');
  });

  test('no page errors', () => {
    expect(unexpectedErrors(peers.peers)).toEqual([]);
  });
});
