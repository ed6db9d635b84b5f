import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { fromBase64url, toBase64url } from '../src/core/codec/index.ts';
import { seedSigner } from '../src/core/crypto/index.ts';
import { delegationCodec, isValidPhrase, signLocalDelegation } from '../src/core/identity/index.ts';
import { launchPeers, screenshot, startApp, type App, type Peers } from './harness.ts';

let app: App;
let peers: Peers;

beforeAll(async () => {
  // The settings test saves this (unreachable) signaling server: the operator allowed it,
  // so the browser tries it (and fails to resolve it) rather than the policy blocking it.
  app = await startApp({ connectSrc: ['wss://signal.example.org'] });
  peers = await launchPeers(2, { app });
});

afterAll(async () => {
  await peers?.close();
  await app?.close();
});

async function openIdentity(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Identity' }).click();
  await page.getByTestId('root-id').waitFor();
}

async function createIdentity(page: Page): Promise<string[]> {
  await page.getByRole('button', { name: 'Create a new identity' }).click();
  const words = await page.getByTestId('phrase').locator('.word').allTextContents();
  expect(words).toHaveLength(12);
  await screenshot(page, 'onboarding-phrase');
  const next = page.getByRole('button', { name: 'Continue' });
  expect(await next.isDisabled()).toBe(true);
  await page.getByLabel('I have written these words down').check();
  await next.click();
  const prompts = page.getByLabel(/^Word #\d+$/);
  expect(await prompts.count()).toBe(3);
  // A wrong word is caught before anything is stored.
  for (const input of await prompts.all()) await input.fill('wrong');
  await page.getByRole('button', { name: 'Create identity' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/does not match/);
  for (const input of await prompts.all()) {
    const label = await input.evaluate((el) => el.closest('label')!.querySelector('span')!.textContent!);
    await input.fill(words[Number(label.replace('Word #', '')) - 1]!);
  }
  await screenshot(page, 'onboarding-confirm');
  await page.getByRole('button', { name: 'Create identity' }).click();
  await page.getByRole('heading', { name: 'Your contexts' }).waitFor();
  await openIdentity(page);
  return words;
}

describe('local identity in the browser', () => {
  let phrase: string;
  let rootId: string;

  test('a new user creates an identity and it survives a reload', async () => {
    const { page } = peers.peers[0]!;
    await page.getByRole('heading', { name: 'Welcome to Tabnode' }).waitFor();
    await screenshot(page, 'onboarding-welcome');
    phrase = (await createIdentity(page)).join(' ');
    rootId = (await page.getByTestId('root-id').textContent())!;
    expect(rootId).toMatch(/^tabnode:local:[1-9A-HJ-NP-Za-km-z]{43,44}$/);
    await expect.poll(() => page.getByTestId('delegation-status').textContent()).toMatch(/Valid until .* \(90 days left\)/);
    expect(await page.getByText('Non-extractable').count()).toBe(1);
    await screenshot(page, 'home');

    const deviceKey = await page.getByTestId('device-key').textContent();
    await page.reload();
    await page.getByTestId('root-id').waitFor();
    expect(page.url()).toMatch(/\/identity$/);
    expect(await page.getByTestId('root-id').textContent()).toBe(rootId);
    expect(await page.getByTestId('device-key').textContent()).toBe(deviceKey);
  });

  test('the same phrase restored in a second browser context yields the same root', async () => {
    const { page } = peers.peers[1]!;
    await page.getByRole('button', { name: 'Restore from a recovery phrase' }).click();
    // Two words swapped: the checksum catches it (for 15 swaps in 16; pick one it catches).
    const words = phrase.split(' ');
    const swapped = Array.from({ length: 11 }, (_, i) => {
      const w = [...words];
      [w[i], w[i + 1]] = [w[i + 1]!, w[i]!];
      return w.join(' ');
    }).find((p) => p !== phrase && !isValidPhrase(p))!;
    await page.getByLabel('Recovery phrase').fill(swapped);
    await page.getByLabel('Name for this device').fill('Second browser');
    await page.getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/order/);
    await screenshot(page, 'restore-error');

    await page.getByLabel('Recovery phrase').fill(phrase.toUpperCase());
    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('heading', { name: 'Your contexts' }).waitFor();
    await openIdentity(page);
    expect(await page.getByTestId('root-id').textContent()).toBe(rootId);
    expect(await page.getByTestId('device-label').textContent()).toBe('Second browser');
    const firstDevice = await peers.peers[0]!.page.getByTestId('device-key').textContent();
    expect(await page.getByTestId('device-key').textContent()).not.toBe(firstDevice);
  });

  test('tampered delegations, and ones signed by another root, fail with a clear reason', async () => {
    const a = peers.peers[0]!.page;
    const b = peers.peers[1]!.page;
    await a.getByRole('button', { name: 'Show certificate' }).click();
    const exported = await a.getByTestId('delegation-export').inputValue();

    // What a person reads (a closed Details shows nothing), and the technical detail folded in it.
    const check = async (text: string, reason?: string) => {
      await b.getByLabel('Check a certificate').fill(text);
      await b.getByRole('button', { name: 'Check', exact: true }).click();
      const result = b.locator(reason ? `[data-testid=delegation-check][data-reason="${reason}"]` : '[data-testid=delegation-check]:not([data-reason])');
      await result.waitFor();
      const detail = (await result.locator('details code').count()) ? await result.locator('details code').textContent() : '';
      return { shown: await result.innerText(), detail: detail! };
    };

    expect((await check(exported)).shown).toMatch(/^Valid: tabnode:local:/);

    const original = delegationCodec.decode(fromBase64url(exported));
    const tampered = { ...original, claims: { ...original.claims, label: 'Attacker laptop' } };
    const changed = await check(toBase64url(delegationCodec.encode(tampered)), 'bad-signature');
    expect(changed.shown).toMatch(/^Not valid\. This certificate was not signed by the identity it names: it was changed or forged\./);
    expect(changed.shown).not.toMatch(/bad-signature|tabnode:|tampered/);
    expect(changed.detail).toMatch(/^bad-signature: .*tampered/);

    const otherRoot = await seedSigner(crypto.getRandomValues(new Uint8Array(32)));
    const forged = await signLocalDelegation(otherRoot, { ...original.claims });
    const claimingA = { claims: original.claims, proof: forged.proof };
    const forgedCheck = await check(toBase64url(delegationCodec.encode(claimingA)), 'bad-signature');
    expect(forgedCheck.shown).toMatch(/^Not valid\. This certificate was not signed by the identity it names/);
    expect(forgedCheck.shown).not.toMatch(/bad-signature|tabnode:/);
    expect(forgedCheck.detail).toMatch(/^bad-signature: the signature was not made by tabnode:local:/);

    const cut = await check(exported.slice(0, 40), 'undecodable');
    expect(cut.shown).toMatch(/^Not valid\. This certificate is damaged or incomplete: it cannot be read\./);
    expect(cut.shown).not.toMatch(/undecodable|byte/);
    expect(cut.detail).toMatch(/^undecodable: not a delegation: /);
    await screenshot(b, 'delegation-check');
  });

  test('settings validate input and persist', async () => {
    const { page } = peers.peers[0]!;
    await page.getByRole('link', { name: 'Settings' }).click();
    const signaling = page.getByLabel('Signaling servers');
    await expect.poll(() => signaling.inputValue()).toBe(`${app.signalingUrl}`);
    await signaling.fill('http://not-a-websocket/');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/ws:\/\/ or wss:\/\//);
    await signaling.fill(`${app.signalingUrl}\nwss://signal.example.org/`);
    await page.getByLabel('ICE servers (STUN / TURN)').fill('turn:turn.example.org:3478 alice secret');
    await page.getByLabel('Connections per context').fill('1');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/from 2 to 64/);
    await screenshot(page, 'settings-refused');
    await page.getByLabel('Connections per context').fill('6');
    await page.getByLabel('Connection route').selectOption('relay');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^Saved\./);
    await screenshot(page, 'settings');
    await page.reload();
    await expect.poll(() => page.getByLabel('Signaling servers').inputValue()).toBe(`${app.signalingUrl}\nwss://signal.example.org/`);
    expect(await page.getByLabel('ICE servers (STUN / TURN)').inputValue()).toBe('turn:turn.example.org:3478 alice secret');
    expect(await page.getByLabel('Connections per context').inputValue()).toBe('6');
    expect(await page.getByLabel('Connection route').inputValue()).toBe('relay');
    // Back to the defaults: the later tests of this file need a direct route.
    await page.getByRole('button', { name: 'Reset to defaults' }).click();
    await expect.poll(() => page.getByLabel('Connection route').inputValue()).toBe('all');
  });

  test('the onboarding works on a narrow screen', async () => {
    const context = await peers.peers[1]!.context.browser()!.newContext({ viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Create a new identity' }).click();
    await page.getByTestId('phrase').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
    await screenshot(page, 'onboarding-narrow');
    await context.close();
  });

  test('no page errors were reported', () => {
    // The settings test saves an unreachable signaling server on purpose; the browser logs
    // its failed connections (the node's membership directory dials the signaling servers).
    const unexpected = (e: string) => !e.includes('wss://signal.example.org/');
    for (const peer of peers.peers) expect(peer.errors.filter(unexpected)).toEqual([]);
  });
});
