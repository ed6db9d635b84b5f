import { bytesToHex, hexToBytes } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, test } from 'vitest';
import { toBase58 } from '../codec/index.ts';
import { seedSigner } from '../crypto/index.ts';
import { delegationCodec, signEthereumDelegation, signLocalDelegation, verifyDelegation, type Delegation } from './delegation.ts';
import type { RootId } from './rootId.ts';
import { delegationMessage, parseDelegationMessage, validateDelegationMessage, type SiweFields } from './siwe.ts';

const NOW = Date.UTC(2026, 10, 24);
const DAY = 86_400_000;
// Well-known development keys (Hardhat/Anvil accounts 0 and 1): never hold real funds.
const ALICE = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const MALLORY = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const FIELDS: SiweFields = { domain: 'app.tabnode.example', uri: 'https://app.tabnode.example/', nonce: 'n0nce1234abcd' };

async function fixture(label = 'Laptop') {
  const device = await seedSigner(new Uint8Array(32).fill(3));
  const other = await seedSigner(new Uint8Array(32).fill(4));
  const claims = { clientKey: device.publicKey, label, issuedAt: NOW, expiresAt: NOW + 30 * DAY };
  const delegation = await signEthereumDelegation(ALICE, { ...claims, chainId: 1 }, FIELDS);
  return { device, other, claims, delegation };
}

function withClaims(d: Delegation, patch: Partial<Delegation['claims']>): Delegation {
  return { claims: { ...d.claims, ...patch }, proof: d.proof };
}

describe('EIP-4361 delegation message', () => {
  test('is the exact SIWE text, naming the client key and the label', async () => {
    const { delegation, device } = await fixture();
    const key = toBase58(device.publicKey);
    const message = await delegationMessage(delegation.claims, FIELDS);
    expect(message).toBe(
      [
        'app.tabnode.example wants you to sign in with your Ethereum account:',
        ALICE.address,
        '',
        `Tabnode: authorize device key ${key} labelled "Laptop"`,
        '',
        'URI: https://app.tabnode.example/',
        'Version: 1',
        'Chain ID: 1',
        'Nonce: n0nce1234abcd',
        'Issued At: 2026-11-24T00:00:00.000Z',
        'Expiration Time: 2026-12-24T00:00:00.000Z',
        'Resources:',
        `- urn:tabnode:client-key:${key}`,
      ].join('\n'),
    );
    expect(delegation.claims.root).toBe(`eip155:1:${ALICE.address}`);
  });

  test('labels with quotes, newlines and non-ASCII stay on one ASCII line and parse back', async () => {
    const { delegation } = await fixture('Ève\'s "phone"\n2 🚀');
    const message = await delegationMessage(delegation.claims, FIELDS);
    const statement = message.split('\n')[3]!;
    expect(statement).toMatch(/^[\x20-\x7e]+$/);
    expect(statement).toContain('labelled "\\u00c8ve\'s \\"phone\\"\\n2 \\ud83d\\ude80"');
    expect(await verifyDelegation(delegation, NOW + DAY)).toEqual({ ok: true });
    expect(await parseDelegationMessage(message)).toEqual({ claims: delegation.claims, fields: FIELDS });
  });

  test('parses back to the claims and fields, and refuses any other text', async () => {
    const { delegation } = await fixture();
    const message = await delegationMessage(delegation.claims, FIELDS);
    expect(await parseDelegationMessage(message)).toEqual({ claims: delegation.claims, fields: FIELDS });
    await expect(parseDelegationMessage(message.replace('labelled', 'named'))).rejects.toThrow(/statement/);
    await expect(parseDelegationMessage(message.replace(/\nResources:[^]*$/, ''))).rejects.toThrow(/canonical/);
    await expect(parseDelegationMessage(message.replace(/\nExpiration Time: .*/, ''))).rejects.toThrow(/Expiration Time/);
    await expect(parseDelegationMessage('hello')).rejects.toThrow(/EIP-4361/);
  });

  test('the issuer validates its domain, nonce, account and time', async () => {
    const { delegation } = await fixture();
    const message = await delegationMessage(delegation.claims, FIELDS);
    const expected = { domain: FIELDS.domain, nonce: FIELDS.nonce, address: ALICE.address, now: NOW + DAY };
    expect(await validateDelegationMessage(message, expected)).toBe(true);
    expect(await validateDelegationMessage(message, { ...expected, domain: 'evil.example' })).toBe(false);
    expect(await validateDelegationMessage(message, { ...expected, nonce: 'replayed0000' })).toBe(false);
    expect(await validateDelegationMessage(message, { ...expected, address: MALLORY.address })).toBe(false);
    expect(await validateDelegationMessage(message, { ...expected, now: NOW + 31 * DAY })).toBe(false);
  });

  test('bad fields are refused when building', async () => {
    const { delegation } = await fixture();
    await expect(delegationMessage(delegation.claims, { ...FIELDS, nonce: 'short' })).rejects.toThrow(/nonce/);
    await expect(delegationMessage(delegation.claims, { ...FIELDS, domain: 'not a domain' })).rejects.toThrow(/domain/);
    await expect(delegationMessage(delegation.claims, { ...FIELDS, uri: 'no uri' })).rejects.toThrow(/uri/i);
  });
});

describe('Ethereum-rooted delegation', () => {
  test('a delegation signed by an EOA verifies offline and survives its canonical encoding', async () => {
    const { delegation } = await fixture();
    expect(delegation.proof.kind).toBe('eip4361');
    expect(await verifyDelegation(delegation, NOW + DAY)).toEqual({ ok: true });
    const bytes = delegationCodec.encode(delegation);
    const decoded = delegationCodec.decode(bytes);
    expect(decoded).toEqual(delegation);
    expect(await verifyDelegation(decoded, NOW + DAY)).toEqual({ ok: true });
  });

  test('an EIP-1193-style signer (address + signMessage) fits, and v = 0/1 is normalized', async () => {
    const { claims } = await fixture();
    const wallet = {
      address: ALICE.address.toLowerCase(),
      async signMessage({ message }: { message: string }) {
        const sig = hexToBytes(await ALICE.signMessage({ message }));
        sig[64] = sig[64]! - 27;
        return bytesToHex(sig);
      },
    };
    const d = await signEthereumDelegation(wallet, { ...claims, chainId: 10 }, FIELDS);
    expect(d.claims.root).toBe(`eip155:10:${ALICE.address}`);
    expect(await verifyDelegation(d, NOW + DAY)).toEqual({ ok: true });
  });

  test('a wallet answering with another account is caught at signing', async () => {
    const { claims } = await fixture();
    const liar = { address: ALICE.address, signMessage: MALLORY.signMessage };
    await expect(signEthereumDelegation(liar, { ...claims, chainId: 1 }, FIELDS)).rejects.toThrow(MALLORY.address);
  });

  const cases: [string, (d: Delegation, f: Awaited<ReturnType<typeof fixture>>) => Promise<Delegation> | Delegation, string, number?][] = [
    ['tampered label', (d) => withClaims(d, { label: 'Phone' }), 'bad-signature'],
    ['tampered client key', (d, f) => withClaims(d, { clientKey: f.other.publicKey }), 'bad-signature'],
    ['extended expiry', (d) => withClaims(d, { expiresAt: d.claims.expiresAt + DAY }), 'bad-signature'],
    ['moved issued-at', (d) => withClaims(d, { issuedAt: d.claims.issuedAt + 1 }), 'bad-signature'],
    ['another domain', (d) => ({ ...d, proof: { ...d.proof, domain: 'evil.example' } as Delegation['proof'] }), 'bad-signature'],
    ['another nonce', (d) => ({ ...d, proof: { ...d.proof, nonce: 'replayed0000' } as Delegation['proof'] }), 'bad-signature'],
    [
      'signed by another address',
      async (d, f) => {
        const forged = await signEthereumDelegation(MALLORY, { ...f.claims, chainId: 1 }, FIELDS);
        return { claims: d.claims, proof: forged.proof };
      },
      'bad-signature',
    ],
    [
      'another address in the root',
      (d) => withClaims(d, { root: `eip155:1:${MALLORY.address}` as RootId }),
      'bad-signature',
    ],
    ['another chain id in the root', (d) => withClaims(d, { root: `eip155:137:${ALICE.address}` as RootId }), 'bad-signature'],
    ['a non-canonical chain id in the root', (d) => withClaims(d, { root: `eip155:01:${ALICE.address}` as RootId }), 'malformed'],
    ['a lower-case address in the root', (d) => withClaims(d, { root: `eip155:1:${ALICE.address.toLowerCase()}` as RootId }), 'malformed'],
    [
      'a malleated (high-s) signature',
      (d) => {
        const proof = d.proof as Extract<Delegation['proof'], { kind: 'eip4361' }>;
        const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
        const s = BigInt(bytesToHex(proof.signature.subarray(32, 64)));
        const sig = proof.signature.slice();
        sig.set(hexToBytes(`0x${(n - s).toString(16).padStart(64, '0')}`), 32);
        sig[64] = sig[64] === 27 ? 28 : 27;
        return { ...d, proof: { ...proof, signature: sig } };
      },
      'bad-signature',
    ],
    [
      'a garbage signature',
      (d) => ({ ...d, proof: { ...d.proof, signature: new Uint8Array(65).fill(7) } as Delegation['proof'] }),
      'bad-signature',
    ],
    ['expired', (d) => d, 'expired', NOW + 30 * DAY],
    ['issued in the future', (d) => d, 'not-yet-valid', NOW - DAY],
    [
      'an Ethereum root with an Ed25519 proof',
      (d) => ({ claims: d.claims, proof: { kind: 'ed25519', signature: new Uint8Array(64) } }),
      'proof-mismatch',
    ],
    [
      'a local root with an EIP-4361 proof',
      async (d, f) => {
        const local = await signLocalDelegation(await seedSigner(new Uint8Array(32).fill(1)), { ...f.claims });
        return { claims: local.claims, proof: d.proof };
      },
      'proof-mismatch',
    ],
    ['a Starknet root with an EIP-4361 proof', (d) => withClaims(d, { root: 'starknet:SN_MAIN:0x04a1' as RootId }), 'proof-mismatch'],
  ];

  test.each(cases)('refuses: %s', async (_name, mutate, reason, at = NOW + DAY) => {
    const f = await fixture();
    const verdict = await verifyDelegation(await mutate(f.delegation, f), at);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.reason).toBe(reason);
      expect(verdict.message.length).toBeGreaterThan(10);
    }
  });

  test('the wrong-signer message names both addresses', async () => {
    const { delegation } = await fixture();
    const verdict = await verifyDelegation(withClaims(delegation, { label: 'Phone' }), NOW + DAY);
    expect(verdict).toMatchObject({ ok: false, reason: 'bad-signature' });
    if (!verdict.ok) expect(verdict.message).toContain(ALICE.address);
  });

  test('the decoder refuses a malformed nonce and a short signature', async () => {
    const { delegation } = await fixture();
    const bytes = delegationCodec.encode(delegation);
    const at = bytes.indexOf('n'.charCodeAt(0), bytes.length - 65 - FIELDS.nonce.length - 1);
    const badNonce = bytes.slice();
    badNonce[at] = '-'.charCodeAt(0);
    expect(() => delegationCodec.decode(badNonce)).toThrow(/nonce/);
    expect(() => delegationCodec.decode(bytes.subarray(0, bytes.length - 1))).toThrow();
  });

  test('Ed25519 delegations encode exactly as before the eip4361 variant', async () => {
    const root = await seedSigner(new Uint8Array(32).fill(1));
    const device = await seedSigner(new Uint8Array(32).fill(3));
    const d = await signLocalDelegation(root, { clientKey: device.publicKey, label: 'Laptop', issuedAt: NOW, expiresAt: NOW + 30 * DAY });
    expect(bytesToHex(delegationCodec.encode(d))).toBe(
      '0x10013a7461626e6f64653a6c6f63616c3a414b6e4c344e4e66334447575a4a533663506b6e427545476e5673563441346d35746765624c486152535a39ed4928c628d1c2c6eae90338905995612959273a5c63f93636c14614ac8737d1064c6170746f7080d8e8d6a03480e8e3aaaa340096eb9d85ee2811f788adae86eb97c955036fffb3378f11713f4248c12fc74af0e7208b6b019fecec7b64661a7267eb71667d2109dbe3cf1f1c381e911e83df04',
    );
  });
});
