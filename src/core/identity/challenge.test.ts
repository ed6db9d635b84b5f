import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, test } from 'vitest';
import { seedSigner } from '../crypto/index.ts';
import { challengeBook, challengeClaims, checkAnswer, issueChallenge, type Challenge } from './challenge.ts';
import { signEthereumDelegation, type Delegation } from './delegation.ts';

const NOW = Date.UTC(2026, 11, 1);
// A well-known development key (Hardhat/Anvil account 0): never holds real funds.
const WALLET = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');

async function setup(chain = 'eip155:1') {
  const device = await seedSigner(new Uint8Array(32).fill(7));
  const challenge = issueChallenge({
    entropy: new Uint8Array(16).fill(9),
    now: NOW,
    domain: 'tabnode.example',
    uri: 'https://tabnode.example/identity',
    clientKey: device.publicKey,
    label: 'Laptop',
    chain,
  });
  return { device, challenge };
}

/** What a wallet does: sign the challenge's claims, possibly with some of them changed. */
async function answer(c: Challenge, patch: { chainId?: number; domain?: string; clientKey?: Uint8Array; nonce?: string } = {}): Promise<Delegation> {
  const { claims, fields } = challengeClaims(c);
  return signEthereumDelegation(
    WALLET,
    { ...claims, ...(patch.clientKey ? { clientKey: patch.clientKey } : {}), chainId: patch.chainId ?? 1 },
    { ...fields, ...(patch.domain ? { domain: patch.domain } : {}), ...(patch.nonce ? { nonce: patch.nonce } : {}) },
  );
}

describe('wallet challenge/response', () => {
  test('a nonce fits EIP-4361 and every field of the challenge reaches the signed claims', async () => {
    const { challenge, device } = await setup();
    expect(challenge.nonce).toMatch(/^[a-zA-Z0-9]{8,64}$/);
    const d = await answer(challenge);
    expect(d.claims.clientKey).toEqual(device.publicKey);
    expect(d.claims.root).toBe(`eip155:1:${WALLET.address}`);
    expect(await checkAnswer(challenge, d, NOW + 1000)).toEqual({ ok: true });
  });

  test.each([
    ['another domain', { domain: 'evil.example' }, 'wrong-domain'],
    ['another chain', { chainId: 10 }, 'wrong-chain'],
    ['another nonce', { nonce: 'someOtherNonce123' }, 'unknown-nonce'],
  ] as const)('an answer signed for %s is refused', async (_, patch, reason) => {
    const { challenge } = await setup();
    const verdict = await checkAnswer(challenge, await answer(challenge, patch), NOW + 1000);
    expect(verdict).toMatchObject({ ok: false, reason });
  });

  test('an answer for another device key is refused', async () => {
    const { challenge } = await setup();
    const other = await seedSigner(new Uint8Array(32).fill(8));
    const verdict = await checkAnswer(challenge, await answer(challenge, { clientKey: other.publicKey }), NOW + 1000);
    expect(verdict).toMatchObject({ ok: false, reason: 'wrong-device' });
  });

  test('an answer arriving after the challenge expired is refused', async () => {
    const { challenge } = await setup();
    const verdict = await checkAnswer(challenge, await answer(challenge), challenge.answerBy + 1);
    expect(verdict).toMatchObject({ ok: false, reason: 'expired' });
  });

  test('tampered claims no longer match the signature', async () => {
    const { challenge } = await setup();
    const d = await answer(challenge);
    const tampered = { ...d, claims: { ...d.claims, root: `eip155:1:0x70997970C51812dc3A010C7d01b50e0d17dc79C8` as typeof d.claims.root } };
    expect(await checkAnswer(challenge, tampered, NOW + 1000)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  test('a long non-ASCII device name is cut to whole characters within the label bound', async () => {
    const device = await seedSigner(new Uint8Array(32).fill(7));
    const c = issueChallenge({ entropy: new Uint8Array(16), now: NOW, domain: 'd.example', uri: 'https://d.example/', clientKey: device.publicKey, label: '😀'.repeat(40), chain: 'eip155:1' });
    expect(new TextEncoder().encode(c.label).length).toBeLessThanOrEqual(64);
    expect(c.label).toBe('😀'.repeat(16));
    expect(await checkAnswer(c, await answer(c), NOW)).toEqual({ ok: true });
  });

  test('the book hands each challenge out once: a replayed answer finds no challenge', () => {
    const book = challengeBook(2);
    const a = { nonce: 'aaaaaaaa' } as Challenge;
    book.add(a);
    expect(book.take('aaaaaaaa')).toBe(a);
    expect(book.take('aaaaaaaa')).toBeUndefined();
    expect(book.wasUsed('aaaaaaaa')).toBe(true);
    for (const n of ['b1111111', 'c1111111', 'd1111111']) book.add({ nonce: n } as Challenge);
    expect(book.take('b1111111')).toBeUndefined(); // the oldest outstanding one was dropped
    expect(book.take('d1111111')).toBeDefined();
  });
});
