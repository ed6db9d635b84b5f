import { ec, hash, num, typedData as snip12, type TypedData } from 'starknet';
import { describe, expect, test } from 'vitest';
import { DecodeError, encodeWith, createReader, toBase58 } from '../codec/index.ts';
import { seedSigner } from '../crypto/index.ts';
import type { AccountVerifier } from './accountVerifier.ts';
import type { DelegationClaims } from './delegation.ts';
import type { RootId } from './rootId.ts';
import {
  OZ_ACCOUNT_CLASS_HASH,
  StarknetMessageError,
  delegationTypedData,
  feltBytes,
  feltField,
  feltHex,
  revocationTypedData,
  signStarknetTypedData,
  starknetAccountAddress,
  starknetMessageHash,
  starknetRoot,
  starknetRootId,
  starknetSignatureField,
  verifyStarknetProof,
  type Snip12TypedData,
  type StarknetTypedDataSigner,
} from './starknet.ts';

const NOW = Date.UTC(2026, 10, 24);
const DAY = 86_400_000;
const FIELDS = { domain: 'app.tabnode.example', uri: 'https://app.tabnode.example/', nonce: 'n0nce1234abcd' };
const PRIME = 2n ** 251n + 17n * 2n ** 192n + 1n;

/** A wallet double: a real Stark key behind an account at `address` (its OZ address unless told). */
async function starkWallet(options: { chainId?: string; address?: string; reveal?: boolean } = {}) {
  const privateKey = ec.starkCurve.utils.randomPrivateKey();
  const publicKey = ec.starkCurve.getStarkKey(privateKey);
  const address = options.address ?? (await starknetAccountAddress(publicKey, OZ_ACCOUNT_CLASS_HASH));
  const wallet: StarknetTypedDataSigner = {
    address,
    chainId: options.chainId ?? 'SN_SEPOLIA',
    ...(options.reveal === false ? {} : { publicKey, classHash: OZ_ACCOUNT_CLASS_HASH }),
    async signTypedData(data) {
      const sig = ec.starkCurve.sign(snip12.getMessageHash(data as TypedData, address), privateKey);
      return [num.toHex(sig.r), num.toHex(sig.s)];
    },
  };
  return { wallet, privateKey, publicKey, address };
}

async function claims(root: string): Promise<DelegationClaims> {
  const device = await seedSigner(new Uint8Array(32).fill(3));
  return { root: root as RootId, clientKey: device.publicKey, label: 'Laptop', issuedAt: NOW, expiresAt: NOW + 30 * DAY };
}

describe('Starknet roots', () => {
  test('a root id is canonical: known chain, 0x and 64 lower-case hex digits', () => {
    expect(starknetRootId('SN_MAIN', '0x4A1')).toBe(`starknet:SN_MAIN:0x${'0'.repeat(61)}4a1`);
    expect(starknetRoot(starknetRootId('SN_SEPOLIA', '0x4a1'))).toEqual({ chainId: 'SN_SEPOLIA', address: `0x${'0'.repeat(61)}4a1` });
    expect(() => starknetRoot('starknet:SN_MAIN:0x04a1')).toThrow(/canonical/);
    expect(() => starknetRootId('SN_GOERLI', '0x4a1')).toThrow(/SN_MAIN, SN_SEPOLIA/);
    expect(() => starknetRootId('SN_MAIN', `0x8${'0'.repeat(62)}`)).toThrow(StarknetMessageError);
    expect(() => starknetRoot('eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb')).toThrow(/not a Starknet root/);
  });

  test('an account address is the OpenZeppelin counterfactual deployment address', async () => {
    const publicKey = ec.starkCurve.getStarkKey('0x1234567890abcdef');
    const expected = hash.calculateContractAddressFromHash(publicKey, OZ_ACCOUNT_CLASS_HASH, [publicKey], 0);
    const address = await starknetAccountAddress(publicKey, OZ_ACCOUNT_CLASS_HASH);
    expect(BigInt(address)).toBe(BigInt(expected));
    expect(address).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await starknetAccountAddress(feltBytes(publicKey), feltBytes(OZ_ACCOUNT_CLASS_HASH))).toBe(address);
  });

  test('felts: hex or decimal text in, 32 bytes below the prime on the wire', () => {
    expect(feltHex(feltBytes('255'))).toBe(feltHex(feltBytes('0xff')));
    expect(() => feltBytes(`0x${PRIME.toString(16)}`)).toThrow(/prime/);
    expect(() => feltBytes('0xzz')).toThrow(/not a felt/);
    const big = encodeWith(feltField, feltBytes(`0x${(PRIME - 1n).toString(16)}`));
    expect(feltField.decode(createReader(big))).toEqual(big);
    const over = Uint8Array.from(big);
    over[31] = over[31]! + 1; // = the prime
    expect(() => feltField.decode(createReader(over))).toThrow(DecodeError);
    expect(() => encodeWith(starknetSignatureField, Array.from({ length: 5 }, () => new Uint8Array(32)))).toThrow(/limit of 4/);
  });
});

describe('SNIP-12 typed data', () => {
  test('a delegation is revision-1 typed data binding every claim and field', async () => {
    const root = starknetRootId('SN_MAIN', '0x4a1');
    const c = await claims(root);
    const data = delegationTypedData({ ...c, label: 'Ève "phone"' }, FIELDS);
    expect(data).toEqual({
      types: {
        StarknetDomain: [
          { name: 'name', type: 'shortstring' },
          { name: 'version', type: 'shortstring' },
          { name: 'chainId', type: 'shortstring' },
          { name: 'revision', type: 'shortstring' },
        ],
        Delegation: ['clientKey', 'label', 'issuedAt', 'expiresAt', 'domain', 'uri', 'nonce'].map((name) => ({ name, type: 'string' })),
      },
      primaryType: 'Delegation',
      domain: { name: 'Tabnode', version: '1', chainId: 'SN_MAIN', revision: '1' },
      message: {
        clientKey: toBase58(c.clientKey),
        label: '"\\u00c8ve \\"phone\\""',
        issuedAt: '2026-11-24T00:00:00.000Z',
        expiresAt: '2026-12-24T00:00:00.000Z',
        domain: FIELDS.domain,
        uri: FIELDS.uri,
        nonce: FIELDS.nonce,
      },
    });
    expect(snip12.validateTypedData(data)).toBe(true);
    expect(await starknetMessageHash(data, '0x4a1')).toMatch(/^0x[0-9a-f]{64}$/);
  });

  test('a revocation has its own primary type; reasons are quoted ASCII', async () => {
    const root = starknetRootId('SN_SEPOLIA', '0x4a1');
    const c = await claims(root);
    const data = revocationTypedData({ root: root as RootId, clientKey: c.clientKey, revokedAt: NOW, reason: 'lost 🚀' });
    expect(data.primaryType).toBe('Revocation');
    expect(data.domain.chainId).toBe('SN_SEPOLIA');
    expect(data.message).toEqual({ clientKey: toBase58(c.clientKey), revokedAt: '2026-11-24T00:00:00.000Z', reason: '"lost \\ud83d\\ude80"' });
  });

  test('the hash changes with every claim, field, chain and address', async () => {
    const root = starknetRootId('SN_MAIN', '0x4a1');
    const c = await claims(root);
    const base = await starknetMessageHash(delegationTypedData(c, FIELDS), '0x4a1');
    const variants: [DelegationClaims, typeof FIELDS][] = [
      [{ ...c, label: 'Phone' }, FIELDS],
      [{ ...c, clientKey: (await seedSigner(new Uint8Array(32).fill(4))).publicKey }, FIELDS],
      [{ ...c, issuedAt: NOW + 1 }, FIELDS],
      [{ ...c, expiresAt: NOW + DAY }, FIELDS],
      [{ ...c, root: starknetRootId('SN_SEPOLIA', '0x4a1') as RootId }, FIELDS],
      [c, { ...FIELDS, domain: 'evil.example' }],
      [c, { ...FIELDS, uri: 'https://evil.example/' }],
      [c, { ...FIELDS, nonce: 'replayed0000' }],
    ];
    const hashes = await Promise.all(variants.map(([cl, f]) => starknetMessageHash(delegationTypedData(cl, f), '0x4a1')));
    expect(new Set([base, ...hashes]).size).toBe(variants.length + 1);
    expect(await starknetMessageHash(delegationTypedData(c, FIELDS), '0x4a2')).not.toBe(base);
  });

  test('refuses what it cannot write', async () => {
    const c = await claims(starknetRootId('SN_MAIN', '0x4a1'));
    expect(() => delegationTypedData(c, { ...FIELDS, nonce: 'short' })).toThrow(/nonce/);
    expect(() => delegationTypedData(c, { ...FIELDS, domain: 'évil.example' })).toThrow(/ASCII/);
    expect(() => delegationTypedData({ ...c, root: 'starknet:SN_GOERLI:0x4a1' as RootId }, FIELDS)).toThrow(/supported Starknet chain/);
    expect(() => delegationTypedData({ ...c, expiresAt: 9e15 }, FIELDS)).toThrow(/date/);
  });
});

describe('SNIP-12 signatures', () => {
  async function signed(options: Parameters<typeof starkWallet>[0] = {}) {
    const w = await starkWallet(options);
    const root = starknetRootId(w.wallet.chainId, w.address);
    const data = delegationTypedData(await claims(root), FIELDS);
    return { ...w, root, data, proof: await signStarknetTypedData(w.wallet, data) };
  }

  test('an OpenZeppelin account verifies offline', async () => {
    const s = await signed();
    expect(feltHex(s.proof.publicKey)).toBe(feltHex(feltBytes(s.publicKey)));
    expect(feltHex(s.proof.classHash)).toBe(OZ_ACCOUNT_CLASS_HASH);
    expect(s.proof.signature).toHaveLength(2);
    expect(await verifyStarknetProof(s.root, s.data, s.proof)).toEqual({ ok: true });
  });

  test('a wallet that hides its key and class: the key is recovered, the OZ class found', async () => {
    const s = await signed({ reveal: false });
    expect(feltHex(s.proof.publicKey)).toBe(feltHex(feltBytes(s.publicKey)));
    expect(await verifyStarknetProof(s.root, s.data, s.proof)).toEqual({ ok: true });
  });

  test('a contract account is unverifiable offline, and its chain decides through an AccountVerifier', async () => {
    const s = await signed({ address: '0x0123456789abcdef' });
    const offline = await verifyStarknetProof(s.root, s.data, s.proof);
    expect(offline).toMatchObject({ ok: false, reason: 'unverifiable' });
    if (!offline.ok) expect(offline.message).toMatch(/contract account.*Starknet RPC in Settings/);
    const asked: Parameters<NonNullable<AccountVerifier['starknet']>>[0][] = [];
    const yes: AccountVerifier = {
      async starknet(args) {
        asked.push(args);
        return true;
      },
    };
    expect(await verifyStarknetProof(s.root, s.data, s.proof, yes)).toEqual({ ok: true });
    expect(asked).toEqual([
      {
        chainId: 'SN_SEPOLIA',
        address: starknetRoot(s.root).address,
        hash: await starknetMessageHash(s.data, s.address),
        signature: s.proof.signature.map((f) => num.toHex(BigInt(feltHex(f)))),
      },
    ]);
    const no: AccountVerifier = { starknet: async () => false };
    expect(await verifyStarknetProof(s.root, s.data, s.proof, no)).toMatchObject({ ok: false, reason: 'bad-signature' });
    const down: AccountVerifier = {
      starknet: async () => {
        throw new Error('connection refused');
      },
    };
    expect(await verifyStarknetProof(s.root, s.data, s.proof, down)).toMatchObject({ ok: false, reason: 'unverifiable' });
  });

  test('refused: another key, a wrong chain, a tampered signature, a short one', async () => {
    const s = await signed();
    // A forger signs the account's exact message with another key and claims the account's key.
    const other = await starkWallet();
    const sig = ec.starkCurve.sign(snip12.getMessageHash(s.data as unknown as TypedData, s.address), other.privateKey);
    const forged = { ...s.proof, signature: [feltBytes(num.toHex(sig.r)), feltBytes(num.toHex(sig.s))] };
    expect(await verifyStarknetProof(s.root, s.data, forged)).toMatchObject({ ok: false, reason: 'bad-signature' });
    // ...or carries its own key: that key is not the account's, so offline it is not enough.
    const own = { ...forged, publicKey: feltBytes(other.publicKey) };
    expect(await verifyStarknetProof(s.root, s.data, own)).toMatchObject({ ok: false, reason: 'unverifiable' });
    const onMain = starknetRootId('SN_MAIN', s.address);
    expect(await verifyStarknetProof(onMain, s.data, s.proof)).toMatchObject({ ok: false, reason: 'malformed' });
    const mainData = { ...s.data, domain: { ...s.data.domain, chainId: 'SN_MAIN' } } as Snip12TypedData;
    expect(await verifyStarknetProof(onMain, mainData, s.proof)).toMatchObject({ ok: false, reason: 'bad-signature' });
    const flipped = s.proof.signature.map((f) => f.slice());
    flipped[1]![31] = flipped[1]![31]! ^ 1;
    expect(await verifyStarknetProof(s.root, s.data, { ...s.proof, signature: flipped })).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(await verifyStarknetProof(s.root, s.data, { ...s.proof, signature: s.proof.signature.slice(0, 1) })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  test('a wallet answering something that is not 2 to 4 felts is caught', async () => {
    const { wallet } = await starkWallet();
    const data = delegationTypedData(await claims(starknetRootId(wallet.chainId, wallet.address)), FIELDS);
    await expect(signStarknetTypedData({ ...wallet, signTypedData: async () => ['0x1'] }, data)).rejects.toThrow(/1 felts/);
    await expect(signStarknetTypedData({ ...wallet, signTypedData: async () => ['0x1', '0x2', '0x3', '0x4', '0x5'] }, data)).rejects.toThrow(/5 felts/);
    await expect(signStarknetTypedData({ ...wallet, signTypedData: async () => ['0x1', 'nope'] }, data)).rejects.toThrow(/not a felt/);
  });
});
