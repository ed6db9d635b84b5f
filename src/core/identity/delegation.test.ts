import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { describe, expect, test } from 'vitest';
import { contractWallet, starkWallet } from './walletDoubles.testing.ts';
import { DecodeError } from '../codec/index.ts';
import { seedSigner } from '../crypto/index.ts';
import type { AccountVerifier } from './accountVerifier.ts';
import {
  DELEGATION_LIMITS,
  ProofSigningError,
  delegationCodec,
  signEthereumDelegation,
  signLocalDelegation,
  signStarknetDelegation,
  verifyDelegation,
  type Delegation,
  type DelegationClaims,
} from './delegation.ts';
import { localRootId, type RootId } from './rootId.ts';
import type { SiweFields } from './siwe.ts';
import { delegationTypedData, starknetRootId } from './starknet.ts';

const NOW = Date.UTC(2026, 10, 24);
const DAY = 86_400_000;
const FIELDS: SiweFields = { domain: 'app.tabnode.example', uri: 'https://app.tabnode.example/', nonce: 'n0nce1234abcd' };

type Claims = Omit<DelegationClaims, 'root'>;

const contractVerifiers: AccountVerifier[] = [];
const yes: AccountVerifier = { ethereum: async () => true, starknet: async () => true };
const no: AccountVerifier = { ethereum: async () => false, starknet: async () => false };

async function baseClaims(): Promise<{ claims: Claims; other: Uint8Array }> {
  const device = await seedSigner(new Uint8Array(32).fill(3));
  const other = await seedSigner(new Uint8Array(32).fill(4));
  return { claims: { clientKey: device.publicKey, label: 'Laptop', issuedAt: NOW, expiresAt: NOW + 30 * DAY }, other: other.publicKey };
}

function withClaims(d: Delegation, patch: Partial<DelegationClaims>): Delegation {
  return { claims: { ...d.claims, ...patch }, proof: d.proof };
}

function withProof(d: Delegation, patch: Record<string, unknown>): Delegation {
  return { claims: d.claims, proof: { ...d.proof, ...patch } as Delegation['proof'] };
}

/**
 * One way a root proves a delegation. `sign` makes a delegation by a fresh account (or the
 * given one); `onOtherChain` re-signs the same claims for another chain; `options` is what a
 * verifier needs to accept it.
 */
interface Scheme {
  name: string;
  make(): Promise<{ sign(claims: Claims, fields?: SiweFields): Promise<Delegation>; onOtherChain(claims: Claims): Promise<Delegation> }>;
  options: { accounts?: AccountVerifier };
}

const schemes: Scheme[] = [
  {
    name: 'eip4361 (Ethereum EOA)',
    options: {},
    async make() {
      const account = privateKeyToAccount(generatePrivateKey());
      return {
        sign: (claims, fields = FIELDS) => signEthereumDelegation(account, { ...claims, chainId: 1 }, fields),
        onOtherChain: (claims) => signEthereumDelegation(account, { ...claims, chainId: 137 }, FIELDS),
      };
    },
  },
  {
    name: 'snip12 (Starknet OpenZeppelin account)',
    options: {},
    async make() {
      const wallet = await starkWallet('SN_SEPOLIA');
      return {
        sign: (claims, fields = FIELDS) => signStarknetDelegation(wallet, claims, fields),
        onOtherChain: (claims) => signStarknetDelegation({ ...wallet, chainId: 'SN_MAIN' }, claims, FIELDS),
      };
    },
  },
  {
    name: 'eip1271 (Ethereum contract account)',
    async make() {
      const { wallet, verifier } = contractWallet(1);
      contractVerifiers.push(verifier);
      return {
        sign: (claims, fields = FIELDS) => signEthereumDelegation(wallet, { ...claims, chainId: 1 }, fields),
        onOtherChain: (claims) => signEthereumDelegation(wallet, { ...claims, chainId: 10 }, FIELDS),
      };
    },
    // Every contract double's chain answers; each knows only its own contract.
    options: {
      accounts: {
        ethereum: async (args) => (await Promise.all(contractVerifiers.map((v) => v.ethereum!(args)))).some(Boolean),
      },
    },
  },
];

describe.each(schemes)('delegation proof: $name', (scheme) => {
  async function fixture() {
    const { claims, other } = await baseClaims();
    const root = await scheme.make();
    const mallory = await scheme.make();
    return { claims, other, root, mallory, delegation: await root.sign(claims) };
  }
  const verify = (d: Delegation, at = NOW + DAY) => verifyDelegation(d, at, scheme.options);

  test('a valid delegation verifies, also after its canonical encoding', async () => {
    const { delegation } = await fixture();
    expect(await verify(delegation)).toEqual({ ok: true });
    const decoded = delegationCodec.decode(delegationCodec.encode(delegation));
    expect(decoded).toEqual(delegation);
    expect(await verify(decoded)).toEqual({ ok: true });
  });

  const cases: [string, (d: Delegation, f: Awaited<ReturnType<typeof fixture>>) => Promise<Delegation> | Delegation, string, number?][] = [
    ['tampered label', (d) => withClaims(d, { label: 'Phone' }), 'bad-signature'],
    ['tampered client key', (d, f) => withClaims(d, { clientKey: f.other }), 'bad-signature'],
    ['extended expiry', (d) => withClaims(d, { expiresAt: d.claims.expiresAt + DAY }), 'bad-signature'],
    ['moved issued-at', (d) => withClaims(d, { issuedAt: d.claims.issuedAt - DAY }), 'bad-signature'],
    ['another domain', (d) => withProof(d, { domain: 'evil.example' }), 'bad-signature'],
    ['another URI', (d) => withProof(d, { uri: 'https://evil.example/' }), 'bad-signature'],
    ['another nonce', (d) => withProof(d, { nonce: 'replayed0000' }), 'bad-signature'],
    [
      'signed by another account (its proof on these claims)',
      async (d, f) => ({ claims: d.claims, proof: (await f.mallory.sign(f.claims)).proof }),
      'bad-signature',
    ],
    ['signed for another chain', async (d, f) => ({ claims: d.claims, proof: (await f.root.onOtherChain(f.claims)).proof }), 'bad-signature'],
    ['replayed onto another client key', async (d, f) => ({ claims: { ...d.claims, clientKey: f.other }, proof: d.proof }), 'bad-signature'],
    [
      'replayed onto another root',
      async (d, f) => ({ claims: { ...d.claims, root: (await f.mallory.sign(f.claims)).claims.root }, proof: d.proof }),
      'bad-signature',
    ],
    ['expired', (d) => d, 'expired', NOW + 30 * DAY],
    ['issued in the future', (d) => d, 'not-yet-valid', NOW - DAY],
  ];

  test.each(cases)('refuses: %s', async (_name, mutate, reason, at = NOW + DAY) => {
    const f = await fixture();
    const verdict = await verify(await mutate(f.delegation, f), at);
    expect(verdict).toMatchObject({ ok: false, reason });
    if (!verdict.ok) expect(verdict.message.length).toBeGreaterThan(10);
  });

  test('a proof on a root of another kind is a proof mismatch', async () => {
    const { delegation } = await fixture();
    const local = await seedSigner(new Uint8Array(32).fill(1));
    expect(await verify(withClaims(delegation, { root: localRootId(local.publicKey) }))).toMatchObject({ ok: false, reason: 'proof-mismatch' });
  });
});

describe('Starknet delegation', () => {
  test('signStarknetDelegation names the canonical root and carries the OZ key and class', async () => {
    const wallet = await starkWallet('SN_MAIN', undefined);
    const { claims } = await baseClaims();
    // Wallets spell addresses as they like: the root is canonical whatever the spelling.
    const d = await signStarknetDelegation({ ...wallet, address: `0x${BigInt(wallet.address).toString(16).toUpperCase()}` }, claims, FIELDS);
    expect(d.claims.root).toBe(starknetRootId('SN_MAIN', wallet.address));
    expect(d.claims.root).toMatch(/^starknet:SN_MAIN:0x[0-9a-f]{64}$/);
    expect(d.proof).toMatchObject({ kind: 'snip12', ...FIELDS });
    expect(await verifyDelegation(d, NOW + DAY)).toEqual({ ok: true });
  });

  test('a contract account (address not tied to its key) is unverifiable offline; an AccountVerifier decides', async () => {
    const wallet = await starkWallet('SN_SEPOLIA', '0x0123456789abcdef0123456789abcdef');
    const { claims } = await baseClaims();
    const d = await signStarknetDelegation(wallet, claims, FIELDS);
    const offline = await verifyDelegation(d, NOW + DAY);
    expect(offline).toMatchObject({ ok: false, reason: 'unverifiable' });
    if (!offline.ok) expect(offline.message).toMatch(/contract account whose key cannot be tied to its address offline.*Starknet RPC in Settings/);
    expect(await verifyDelegation(d, NOW + DAY, { accounts: yes })).toEqual({ ok: true });
    expect(await verifyDelegation(d, NOW + DAY, { accounts: no })).toMatchObject({ ok: false, reason: 'bad-signature' });
    // The RPC answers for the signature; the window is still checked offline.
    expect(await verifyDelegation(d, NOW + 31 * DAY, { accounts: yes })).toMatchObject({ ok: false, reason: 'expired' });
    // The signing side checks through the verifier too: a refusing chain throws.
    await expect(signStarknetDelegation(wallet, claims, FIELDS, { accounts: no })).rejects.toThrow(ProofSigningError);
  });

  test('unknown Starknet chains and non-canonical roots are refused', async () => {
    const wallet = await starkWallet('SN_SEPOLIA');
    const { claims } = await baseClaims();
    const d = await signStarknetDelegation(wallet, claims, FIELDS);
    const address = d.claims.root.split(':')[2]!;
    expect(await verifyDelegation(withClaims(d, { root: `starknet:SN_GOERLI:${address}` as RootId }), NOW + DAY)).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(await verifyDelegation(withClaims(d, { root: `starknet:SN_SEPOLIA:0x${BigInt(address).toString(16)}` as RootId }), NOW + DAY)).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    await expect(signStarknetDelegation({ ...wallet, chainId: 'SN_GOERLI' }, claims, FIELDS)).rejects.toThrow(/supported Starknet chain/);
  });

  test('a wallet answering with another key is caught at signing', async () => {
    const wallet = await starkWallet('SN_SEPOLIA');
    const liar = await starkWallet('SN_SEPOLIA');
    const { claims } = await baseClaims();
    const attempt = signStarknetDelegation({ ...wallet, signTypedData: liar.signTypedData }, claims, FIELDS);
    await expect(attempt).rejects.toThrow(ProofSigningError);
    await expect(attempt).rejects.toMatchObject({ reason: 'bad-signature' });
  });

  test('the typed data is rebuilt from the claims: the one a wallet signed is the one peers hash', async () => {
    let seen: unknown;
    const wallet = await starkWallet('SN_SEPOLIA');
    const { claims } = await baseClaims();
    const d = await signStarknetDelegation(
      {
        ...wallet,
        signTypedData: (data) => {
          seen = data;
          return wallet.signTypedData(data);
        },
      },
      claims,
      FIELDS,
    );
    expect(seen).toEqual(delegationTypedData(d.claims, FIELDS));
  });
});

describe('ERC-1271 delegation', () => {
  test('a contract wallet makes an eip1271 proof; without an AccountVerifier it is unverifiable', async () => {
    const { wallet, verifier } = contractWallet(1);
    const { claims } = await baseClaims();
    const d = await signEthereumDelegation(wallet, { ...claims, chainId: 1 }, FIELDS);
    expect(d.proof.kind).toBe('eip1271');
    const offline = await verifyDelegation(d, NOW + DAY);
    expect(offline).toMatchObject({ ok: false, reason: 'unverifiable' });
    if (!offline.ok) expect(offline.message).toMatch(/contract account \(ERC-1271\).*Ethereum RPC in Settings/);
    expect(await verifyDelegation(d, NOW + DAY, { accounts: { ethereum: verifier.ethereum! } })).toEqual({ ok: true });
    expect(await verifyDelegation(d, NOW + DAY, { accounts: yes })).toEqual({ ok: true });
    expect(await verifyDelegation(d, NOW + DAY, { accounts: no })).toMatchObject({ ok: false, reason: 'bad-signature' });
    const down: AccountVerifier = {
      ethereum: async () => {
        throw new Error('timeout');
      },
    };
    expect(await verifyDelegation(d, NOW + DAY, { accounts: down })).toMatchObject({ ok: false, reason: 'unverifiable' });
  });

  test('a 65-byte answer is eip1271 only when the account says it is a contract; otherwise another signer throws', async () => {
    const owner = privateKeyToAccount(generatePrivateKey());
    const safe = privateKeyToAccount(generatePrivateKey()).address;
    const wallet = { address: safe, signMessage: owner.signMessage };
    const { claims } = await baseClaims();
    await expect(signEthereumDelegation(wallet, { ...claims, chainId: 1 }, FIELDS)).rejects.toThrow(owner.address);
    const d = await signEthereumDelegation(wallet, { ...claims, chainId: 1 }, FIELDS, { contract: true });
    expect(d.proof).toMatchObject({ kind: 'eip1271' });
    expect(d.proof.kind === 'eip1271' && d.proof.signature.length).toBe(65);
    // An EOA stays eip4361 even when called a contract.
    const eoa = await signEthereumDelegation(owner, { ...claims, chainId: 1 }, FIELDS, { contract: true });
    expect(eoa.proof.kind).toBe('eip4361');
  });

  test('with an AccountVerifier, signing checks the answer and throws on a refusing contract', async () => {
    const { wallet } = contractWallet(1);
    const { claims } = await baseClaims();
    await expect(signEthereumDelegation(wallet, { ...claims, chainId: 1 }, FIELDS, { accounts: no })).rejects.toMatchObject({
      name: 'ProofSigningError',
      reason: 'bad-signature',
    });
  });

  test('an eip1271 proof on an EOA-style check and an eip4361 proof are not interchangeable', async () => {
    const { wallet } = contractWallet(1);
    const { claims } = await baseClaims();
    const d = await signEthereumDelegation(wallet, { ...claims, chainId: 1 }, FIELDS);
    // The contract's signature is not an EOA signature of its address.
    const asEoa = { claims: d.claims, proof: { ...d.proof, kind: 'eip4361', signature: (d.proof as { signature: Uint8Array }).signature.subarray(0, 65) } } as Delegation;
    expect(await verifyDelegation(asEoa, NOW + DAY)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });
});

describe('wire format', () => {
  async function starknetDelegation(): Promise<Delegation> {
    const { claims } = await baseClaims();
    return signStarknetDelegation(await starkWallet('SN_MAIN'), claims, FIELDS);
  }

  test('variants keep their tags: ed25519 0, eip4361 1, snip12 2, eip1271 3', async () => {
    const { claims } = await baseClaims();
    const tag = (d: Delegation) => delegationCodec.encode(d)[proofOffset(d)];
    const local = await signLocalDelegation(await seedSigner(new Uint8Array(32).fill(1)), claims);
    expect(tag(local)).toBe(0);
    expect(tag(await signEthereumDelegation(privateKeyToAccount(generatePrivateKey()), { ...claims, chainId: 1 }, FIELDS))).toBe(1);
    expect(tag(await starknetDelegation())).toBe(2);
    expect(tag(await signEthereumDelegation(contractWallet(1).wallet, { ...claims, chainId: 1 }, FIELDS))).toBe(3);
  });

  test('a signature of more than 4 felts, or a felt over the prime, does not decode', async () => {
    const d = await starknetDelegation();
    const proof = d.proof as Extract<Delegation['proof'], { kind: 'snip12' }>;
    const four = { ...d, proof: { ...proof, signature: [...proof.signature, new Uint8Array(32), new Uint8Array(32)] } };
    const bytes = delegationCodec.encode(four);
    expect(delegationCodec.decode(bytes)).toEqual(four);
    // The felt count is the byte before the last 4 × 32 bytes: say 5, and add a fifth felt.
    const five = Uint8Array.from([...bytes, ...new Uint8Array(32)]);
    five[bytes.length - 4 * 32 - 1] = 5;
    expect(() => delegationCodec.decode(five)).toThrow(DecodeError);
    expect(() => delegationCodec.decode(five)).toThrow(/over the limit of 4|too-long|4/);
    expect(() => delegationCodec.encode({ ...d, proof: { ...proof, signature: [...four.proof.signature, new Uint8Array(32)] } })).toThrow(/limit of 4/);
    const overPrime = bytes.slice();
    overPrime.fill(0xff, bytes.length - 32); // the last felt: 2^256 - 1
    expect(() => delegationCodec.decode(overPrime)).toThrow(/prime/);
  });

  test('an ERC-1271 signature is bounded, and the whole delegation fits the envelope', async () => {
    const { wallet } = contractWallet(1);
    const { claims } = await baseClaims();
    const d = await signEthereumDelegation(wallet, { ...claims, chainId: 1 }, FIELDS);
    const big = withProof(d, { signature: new Uint8Array(1024) });
    expect(delegationCodec.decode(delegationCodec.encode(big))).toEqual(big);
    expect(() => delegationCodec.encode(withProof(d, { signature: new Uint8Array(1025) }))).toThrow(/limit of 1024/);
    // The largest eip1271 delegation of a canonical Ethereum root still fits the envelope.
    const address = d.claims.root.split(':')[2]!;
    const worst: Delegation = {
      claims: { ...d.claims, root: `eip155:9007199254740991:${address}` as RootId, label: 'x'.repeat(64), issuedAt: 2 ** 52, expiresAt: 2 ** 53 - 1 },
      proof: { kind: 'eip1271', domain: 'a'.repeat(253), uri: `https://app.tabnode.example/${'x'.repeat(484)}`, nonce: 'n'.repeat(64), signature: new Uint8Array(1024) },
    };
    const bytes = delegationCodec.encode(worst);
    expect(bytes.length).toBeLessThanOrEqual(DELEGATION_LIMITS.encodedBytes);
    expect(delegationCodec.decode(bytes)).toEqual(worst);
  });
});

/** Where the proof's tag byte sits in a delegation's encoding: after the envelope header and the claims. */
function proofOffset(d: Delegation): number {
  const withoutProof = delegationCodec.encode({ claims: d.claims, proof: { kind: 'ed25519', signature: new Uint8Array(64) } });
  return withoutProof.length - 64 - 1;
}
