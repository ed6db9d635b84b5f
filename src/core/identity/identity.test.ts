import { describe, expect, test } from 'vitest';
import { DecodeError } from '../codec/index.ts';
import { seedSigner } from '../crypto/index.ts';
import {
  PhraseError,
  RootIdError,
  delegationCodec,
  isValidPhrase,
  localRootId,
  parseRootId,
  phraseFromEntropy,
  revocationCodec,
  rootSecretFromPhrase,
  signLocalDelegation,
  signLocalRevocation,
  verifyDelegation,
  verifyRevocation,
  type Delegation,
  type RootId,
} from './index.ts';

const NOW = Date.UTC(2026, 10, 24);
const DAY = 86_400_000;

async function fixture() {
  const root = await seedSigner(new Uint8Array(32).fill(1));
  const other = await seedSigner(new Uint8Array(32).fill(2));
  const device = await seedSigner(new Uint8Array(32).fill(3));
  const delegation = await signLocalDelegation(root, {
    clientKey: device.publicKey,
    label: 'Laptop',
    issuedAt: NOW,
    expiresAt: NOW + 30 * DAY,
  });
  return { root, other, device, delegation };
}

describe('recovery phrase', () => {
  test('a phrase from entropy is valid and names one root, however it is typed', async () => {
    const phrase = phraseFromEntropy(new Uint8Array(16).fill(9));
    expect(phrase.split(' ')).toHaveLength(12);
    expect(isValidPhrase(phrase)).toBe(true);
    const secret = await rootSecretFromPhrase(phrase);
    expect(secret).toHaveLength(32);
    expect(await rootSecretFromPhrase(`  ${phrase.toUpperCase().replaceAll(' ', '\n ')} `)).toEqual(secret);
    expect(await rootSecretFromPhrase(phraseFromEntropy(new Uint8Array(16).fill(8)))).not.toEqual(secret);
  });

  test('unknown words and a bad checksum are refused with distinct reasons', async () => {
    const words = phraseFromEntropy(new Uint8Array(16).fill(9)).split(' ');
    await expect(rootSecretFromPhrase([...words.slice(0, 11), 'tabnode'].join(' '))).rejects.toThrow(/not a word/);
    const swapped = [words[1], words[0], ...words.slice(2)].join(' ');
    await expect(rootSecretFromPhrase(swapped)).rejects.toThrow(PhraseError);
    await expect(rootSecretFromPhrase(swapped)).rejects.toThrow(/order/);
  });
});

describe('root ids', () => {
  test('parse the three kinds', async () => {
    const { root } = await fixture();
    expect(parseRootId(localRootId(root.publicKey)).kind).toBe('local');
    expect(parseRootId('eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb').kind).toBe('ethereum');
    expect(parseRootId('starknet:SN_MAIN:0x04a1').kind).toBe('starknet');
  });

  test.each([
    ['', /CAIP-10/],
    ['tabnode:local:0OIl', /base58/],
    ['tabnode:local:2g', /32-byte/],
    ['tabnode:remote:abc', /unknown tabnode root kind/],
    ['eip155:one:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb', /decimal/],
    ['eip155:1:0x1234', /40 hex/],
    ['cosmos:hub:abc', /unsupported namespace/],
  ])('refuses %j', (input, why) => {
    expect(() => parseRootId(input)).toThrow(RootIdError);
    expect(() => parseRootId(input)).toThrow(why);
  });
});

describe('delegation', () => {
  test('a delegation verifies and survives its canonical encoding', async () => {
    const { delegation } = await fixture();
    expect(await verifyDelegation(delegation, NOW + DAY)).toEqual({ ok: true });
    const decoded = delegationCodec.decode(delegationCodec.encode(delegation));
    expect(decoded).toEqual(delegation);
    expect(await verifyDelegation(decoded, NOW + DAY)).toEqual({ ok: true });
  });

  const cases: [string, (d: Delegation, f: Awaited<ReturnType<typeof fixture>>) => Promise<Delegation> | Delegation, string, number?][] = [
    ['tampered label', (d) => ({ ...d, claims: { ...d.claims, label: 'Phone' } }), 'bad-signature'],
    ['extended expiry', (d) => ({ ...d, claims: { ...d.claims, expiresAt: d.claims.expiresAt + DAY } }), 'bad-signature'],
    ['swapped client key', (d, f) => ({ ...d, claims: { ...d.claims, clientKey: f.other.publicKey } }), 'bad-signature'],
    [
      'signed by another root',
      async (d, f) => {
        const forged = await signLocalDelegation(f.other, { ...d.claims });
        return { claims: d.claims, proof: forged.proof };
      },
      'bad-signature',
    ],
    ['expired', (d) => d, 'expired', NOW + 31 * DAY],
    ['issued in the future', (d) => d, 'not-yet-valid', NOW - DAY],
    [
      'too long-lived',
      async (d, f) => signLocalDelegation(f.root, { ...d.claims, expiresAt: NOW + 500 * DAY }),
      'too-long-lived',
    ],
    [
      'invalid client key',
      async (d, f) => signLocalDelegation(f.root, { ...d.claims, clientKey: new Uint8Array(32) }),
      'invalid-client-key',
    ],
    [
      'wallet root with an Ed25519 proof',
      (d) => ({ ...d, claims: { ...d.claims, root: 'eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb' as RootId } }),
      'proof-mismatch',
    ],
  ];

  test.each(cases)('refuses a delegation: %s', async (_name, mutate, reason, at = NOW + DAY) => {
    const f = await fixture();
    const verdict = await verifyDelegation(await mutate(f.delegation, f), at);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.reason).toBe(reason);
      expect(verdict.message.length).toBeGreaterThan(10);
    }
  });

  test('malformed bytes are refused by the decoder with a typed error', async () => {
    const { delegation } = await fixture();
    const bytes = delegationCodec.encode(delegation);
    expect(() => delegationCodec.decode(bytes.subarray(0, bytes.length - 1))).toThrow(DecodeError);
    expect(() => delegationCodec.decode(new Uint8Array([...bytes, 0]))).toThrow(DecodeError);
    const badRoot = bytes.slice();
    badRoot[3] = '!'.charCodeAt(0); // inside the root id text
    expect(() => delegationCodec.decode(badRoot)).toThrow(/root id/);
  });
});

describe('revocation', () => {
  test('a root revokes its client key; tampering and other roots are refused', async () => {
    const { root, other, device } = await fixture();
    const revocation = await signLocalRevocation(root, { clientKey: device.publicKey, revokedAt: NOW, reason: 'lost' });
    expect(await verifyRevocation(revocationCodec.decode(revocationCodec.encode(revocation)))).toEqual({ ok: true });
    const tampered = { ...revocation, claims: { ...revocation.claims, clientKey: other.publicKey } };
    expect(await verifyRevocation(tampered)).toMatchObject({ ok: false, reason: 'bad-signature' });
    const forged = await signLocalRevocation(other, { clientKey: device.publicKey, revokedAt: NOW, reason: 'x' });
    const claimed = { claims: { ...forged.claims, root: revocation.claims.root }, proof: forged.proof };
    expect(await verifyRevocation(claimed)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });
});
