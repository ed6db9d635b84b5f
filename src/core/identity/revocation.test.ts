import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { describe, expect, test } from 'vitest';
import { contractWallet, starkWallet } from './walletDoubles.testing.ts';
import { DecodeError, toBase58 } from '../codec/index.ts';
import { seedSigner } from '../crypto/index.ts';
import type { AccountVerifier } from './accountVerifier.ts';
import { signEthereumDelegation, signStarknetDelegation } from './delegation.ts';
import {
  REVOCATION_LIMITS,
  revocationCodec,
  revocationMessage,
  signEthereumRevocation,
  signLocalRevocation,
  signStarknetRevocation,
  verifyRevocation,
  type Revocation,
  type RevocationClaims,
} from './revocation.ts';
import type { RootId } from './rootId.ts';
import { ethereumRootId, signatureBytes } from './siwe.ts';
import { revocationTypedData, signStarknetTypedData, starknetRootId } from './starknet.ts';

const NOW = Date.UTC(2026, 10, 24);
const FIELDS = { domain: 'app.tabnode.example', uri: 'https://app.tabnode.example/', nonce: 'n0nce1234abcd' };

type Claims = Omit<RevocationClaims, 'root'>;

const contractVerifiers: NonNullable<AccountVerifier['ethereum']>[] = [];
const yes: AccountVerifier = { ethereum: async () => true, starknet: async () => true };
const no: AccountVerifier = { ethereum: async () => false, starknet: async () => false };

async function baseClaims(): Promise<{ claims: Claims; other: Uint8Array }> {
  const device = await seedSigner(new Uint8Array(32).fill(3));
  const other = await seedSigner(new Uint8Array(32).fill(4));
  return { claims: { clientKey: device.publicKey, revokedAt: NOW, reason: 'lost on a train' }, other: other.publicKey };
}

function withClaims(r: Revocation, patch: Partial<RevocationClaims>): Revocation {
  return { claims: { ...r.claims, ...patch }, proof: r.proof };
}

/**
 * One way a wallet root revokes. `make` gives a fresh account: its root on a chain, a
 * signer, a foreign signature (the same claims signed for another app), and the proof its
 * delegation would carry (to try replaying one kind of statement as another).
 */
interface Scheme {
  name: string;
  options: { accounts?: AccountVerifier };
  make(): Promise<{
    root(chain?: 'main' | 'other'): Promise<RootId>;
    sign(claims: RevocationClaims): Promise<Revocation>;
    foreign(claims: RevocationClaims): Promise<Revocation['proof']>;
    delegationProof(): Promise<Revocation['proof']>;
  }>;
}

const schemes: Scheme[] = [
  {
    name: 'eip191 (Ethereum EOA)',
    options: {},
    async make() {
      const account = privateKeyToAccount(generatePrivateKey());
      return {
        root: async (chain = 'main') => (await ethereumRootId(chain === 'main' ? 1 : 137, account.address)) as RootId,
        sign: (claims) => signEthereumRevocation(account, claims),
        async foreign(claims) {
          return { kind: 'eip191', signature: await signatureBytes(await account.signMessage({ message: `Other app\n${await revocationMessage(claims)}` })) };
        },
        async delegationProof() {
          const { claims } = await baseClaims();
          const d = await signEthereumDelegation(account, { clientKey: claims.clientKey, label: 'x', issuedAt: NOW, expiresAt: NOW + 1, chainId: 1 }, FIELDS);
          return { kind: 'eip191', signature: (d.proof as { signature: Uint8Array }).signature };
        },
      };
    },
  },
  {
    name: 'snip12 (Starknet OpenZeppelin account)',
    options: {},
    async make() {
      const wallet = await starkWallet('SN_SEPOLIA');
      return {
        root: async (chain = 'main') => starknetRootId(chain === 'main' ? 'SN_SEPOLIA' : 'SN_MAIN', wallet.address) as RootId,
        sign: (claims) => signStarknetRevocation({ ...wallet, chainId: claims.root.split(':')[1]! }, claims),
        async foreign(claims) {
          const data = revocationTypedData(claims);
          return { kind: 'snip12', ...(await signStarknetTypedData(wallet, { ...data, domain: { ...data.domain, name: 'Other app' } })) };
        },
        async delegationProof() {
          const { claims } = await baseClaims();
          const d = await signStarknetDelegation(wallet, { clientKey: claims.clientKey, label: 'x', issuedAt: NOW, expiresAt: NOW + 1 }, FIELDS);
          const { publicKey, classHash, signature } = d.proof as Extract<typeof d.proof, { kind: 'snip12' }>;
          return { kind: 'snip12', publicKey, classHash, signature };
        },
      };
    },
  },
  {
    name: 'eip1271 (Ethereum contract account)',
    options: { accounts: { ethereum: async (args) => (await Promise.all(contractVerifiers.map((v) => v(args)))).some(Boolean) } },
    async make() {
      const { wallet, verifier } = contractWallet(1);
      contractVerifiers.push(verifier.ethereum!);
      return {
        root: async (chain = 'main') => (await ethereumRootId(chain === 'main' ? 1 : 10, wallet.address)) as RootId,
        sign: (claims) => signEthereumRevocation(wallet, claims),
        async foreign(claims) {
          const { hexToBytes } = await import('viem');
          return { kind: 'eip1271', signature: hexToBytes(await wallet.signMessage({ message: `Other app\n${await revocationMessage(claims)}` })) };
        },
        async delegationProof() {
          const { claims } = await baseClaims();
          const d = await signEthereumDelegation(wallet, { clientKey: claims.clientKey, label: 'x', issuedAt: NOW, expiresAt: NOW + 1, chainId: 1 }, FIELDS);
          return { kind: 'eip1271', signature: (d.proof as { signature: Uint8Array }).signature };
        },
      };
    },
  },
];

describe.each(schemes)('revocation proof: $name', (scheme) => {
  async function fixture() {
    const { claims, other } = await baseClaims();
    const account = await scheme.make();
    const mallory = await scheme.make();
    const full: RevocationClaims = { ...claims, root: await account.root() };
    return { claims: full, other, account, mallory, revocation: await account.sign(full) };
  }
  const verify = (r: Revocation) => verifyRevocation(r, scheme.options);

  test('a valid revocation verifies, also after its canonical encoding', async () => {
    const { revocation } = await fixture();
    expect(await verify(revocation)).toEqual({ ok: true });
    const decoded = revocationCodec.decode(revocationCodec.encode(revocation));
    expect(decoded).toEqual(revocation);
    expect(await verify(decoded)).toEqual({ ok: true });
  });

  const cases: [string, (r: Revocation, f: Awaited<ReturnType<typeof fixture>>) => Promise<Revocation> | Revocation, string][] = [
    ['tampered reason', (r) => withClaims(r, { reason: 'stolen' }), 'bad-signature'],
    ['tampered client key', (r, f) => withClaims(r, { clientKey: f.other }), 'bad-signature'],
    ['moved revocation time', (r) => withClaims(r, { revokedAt: NOW - 1 }), 'bad-signature'],
    [
      'signed by another account (its proof on these claims)',
      async (r, f) => ({ claims: r.claims, proof: (await f.mallory.sign({ ...f.claims, root: await f.mallory.root() })).proof }),
      'bad-signature',
    ],
    [
      'signed for another chain',
      async (r, f) => ({ claims: r.claims, proof: (await f.account.sign({ ...f.claims, root: await f.account.root('other') })).proof }),
      'bad-signature',
    ],
    ['signed for another app', async (r, f) => ({ claims: r.claims, proof: await f.account.foreign(f.claims) }), 'bad-signature'],
    ['a delegation signature replayed as a revocation', async (r, f) => ({ claims: r.claims, proof: await f.account.delegationProof() }), 'bad-signature'],
    ['replayed onto another client key', (r, f) => withClaims(r, { clientKey: f.other }), 'bad-signature'],
    ['replayed onto another root', async (r, f) => withClaims(r, { root: await f.mallory.root() }), 'bad-signature'],
    ['replayed onto the same account on another chain', async (r, f) => withClaims(r, { root: await f.account.root('other') }), 'bad-signature'],
    [
      'a local root with this proof',
      async (r) => withClaims(r, { root: `tabnode:local:${toBase58((await seedSigner(new Uint8Array(32).fill(1))).publicKey)}` as RootId }),
      'proof-mismatch',
    ],
  ];

  test.each(cases)('refuses: %s', async (_name, mutate, reason) => {
    const f = await fixture();
    const verdict = await verify(await mutate(f.revocation, f));
    expect(verdict).toMatchObject({ ok: false, reason });
    if (!verdict.ok) expect(verdict.message.length).toBeGreaterThan(10);
  });

  test('the wallet of another account cannot sign for this root', async () => {
    const f = await fixture();
    await expect(f.mallory.sign(f.claims)).rejects.toMatchObject({ name: 'ProofSigningError', reason: 'proof-mismatch' });
  });
});

describe('Ethereum revocation', () => {
  test('the message names the key, the root, the time and the quoted reason', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const { claims } = await baseClaims();
    const root = (await ethereumRootId(1, account.address)) as RootId;
    expect(await revocationMessage({ ...claims, root, reason: 'lost\n"phone" 🚀' })).toBe(
      [
        `Tabnode: revoke device key ${toBase58(claims.clientKey)} of ${root}`,
        'Revoked at: 2026-11-24T00:00:00.000Z',
        'Reason: "lost\\n\\"phone\\" \\ud83d\\ude80"',
      ].join('\n'),
    );
    await expect(revocationMessage({ ...claims, root: `eip155:1:${account.address.toLowerCase()}` as RootId })).rejects.toThrow(/EIP-55/);
  });

  test('an EOA makes an eip191 proof; its signature bytes are normalized and low-s', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const { claims } = await baseClaims();
    const r = await signEthereumRevocation(account, { ...claims, root: (await ethereumRootId(1, account.address)) as RootId });
    expect(r.proof.kind).toBe('eip191');
    const garbage = { ...r, proof: { kind: 'eip191' as const, signature: new Uint8Array(65).fill(7) } };
    expect(await verifyRevocation(garbage)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  test('a contract account revocation is unverifiable without an AccountVerifier; its chain decides', async () => {
    const { wallet, verifier } = contractWallet(1);
    const { claims } = await baseClaims();
    const r = await signEthereumRevocation(wallet, { ...claims, root: (await ethereumRootId(1, wallet.address)) as RootId });
    expect(r.proof.kind).toBe('eip1271');
    const offline = await verifyRevocation(r);
    expect(offline).toMatchObject({ ok: false, reason: 'unverifiable' });
    if (!offline.ok) expect(offline.message).toMatch(/Ethereum RPC in Settings/);
    expect(await verifyRevocation(r, { accounts: verifier })).toEqual({ ok: true });
    expect(await verifyRevocation(r, { accounts: yes })).toEqual({ ok: true });
    expect(await verifyRevocation(r, { accounts: no })).toMatchObject({ ok: false, reason: 'bad-signature' });
  });
});

describe('Starknet revocation', () => {
  test('a contract account (address not tied to its key) is unverifiable offline; an AccountVerifier decides', async () => {
    const wallet = await starkWallet('SN_MAIN', '0x0123456789abcdef');
    const { claims } = await baseClaims();
    const r = await signStarknetRevocation(wallet, { ...claims, root: starknetRootId('SN_MAIN', wallet.address) as RootId });
    const offline = await verifyRevocation(r);
    expect(offline).toMatchObject({ ok: false, reason: 'unverifiable' });
    if (!offline.ok) expect(offline.message).toMatch(/cannot be tied to its address offline.*Starknet RPC in Settings/);
    expect(await verifyRevocation(r, { accounts: yes })).toEqual({ ok: true });
    expect(await verifyRevocation(r, { accounts: no })).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  test('the wallet must be on the root\'s chain', async () => {
    const wallet = await starkWallet('SN_SEPOLIA');
    const { claims } = await baseClaims();
    const root = starknetRootId('SN_MAIN', wallet.address) as RootId;
    await expect(signStarknetRevocation(wallet, { ...claims, root })).rejects.toThrow(/connect that account on that chain/);
  });

  test('an Ethereum proof on a Starknet root is a proof mismatch, and the other way round', async () => {
    const wallet = await starkWallet('SN_SEPOLIA');
    const account = privateKeyToAccount(generatePrivateKey());
    const { claims } = await baseClaims();
    const sn = await signStarknetRevocation(wallet, { ...claims, root: starknetRootId('SN_SEPOLIA', wallet.address) as RootId });
    const eth = await signEthereumRevocation(account, { ...claims, root: (await ethereumRootId(1, account.address)) as RootId });
    expect(await verifyRevocation({ claims: sn.claims, proof: eth.proof })).toMatchObject({ ok: false, reason: 'proof-mismatch' });
    expect(await verifyRevocation({ claims: eth.claims, proof: sn.proof })).toMatchObject({ ok: false, reason: 'proof-mismatch' });
  });
});

describe('revocation wire format', () => {
  test('variants keep their tags: ed25519 0, eip191 1, snip12 2, eip1271 3', async () => {
    const { claims } = await baseClaims();
    const local = await signLocalRevocation(await seedSigner(new Uint8Array(32).fill(1)), claims);
    const tag = (r: Revocation) => {
      const bytes = revocationCodec.encode(r);
      const head = revocationCodec.encode({ claims: r.claims, proof: { kind: 'ed25519', signature: new Uint8Array(64) } });
      return bytes[head.length - 64 - 1];
    };
    expect(tag(local)).toBe(0);
    const account = privateKeyToAccount(generatePrivateKey());
    expect(tag(await signEthereumRevocation(account, { ...claims, root: (await ethereumRootId(1, account.address)) as RootId }))).toBe(1);
    const wallet = await starkWallet('SN_MAIN');
    expect(tag(await signStarknetRevocation(wallet, { ...claims, root: starknetRootId('SN_MAIN', wallet.address) as RootId }))).toBe(2);
    const { wallet: contract } = contractWallet(1);
    expect(tag(await signEthereumRevocation(contract, { ...claims, root: (await ethereumRootId(1, contract.address)) as RootId }))).toBe(3);
  });

  test('a signature of more than 4 felts does not decode', async () => {
    const wallet = await starkWallet('SN_MAIN');
    const { claims } = await baseClaims();
    const r = await signStarknetRevocation(wallet, { ...claims, root: starknetRootId('SN_MAIN', wallet.address) as RootId });
    const proof = r.proof as Extract<Revocation['proof'], { kind: 'snip12' }>;
    const four: Revocation = { claims: r.claims, proof: { ...proof, signature: [...proof.signature, new Uint8Array(32), new Uint8Array(32)] } };
    const bytes = revocationCodec.encode(four);
    expect(revocationCodec.decode(bytes)).toEqual(four);
    const five = Uint8Array.from([...bytes, ...new Uint8Array(32)]);
    five[bytes.length - 4 * 32 - 1] = 5;
    expect(() => revocationCodec.decode(five)).toThrow(DecodeError);
  });

  test('an ERC-1271 signature is bounded so the largest revocation fits the envelope', async () => {
    const { wallet } = contractWallet(1);
    const { claims } = await baseClaims();
    const worst: Revocation = {
      claims: { ...claims, root: (await ethereumRootId(9007199254740991, wallet.address)) as RootId, revokedAt: 2 ** 53 - 1, reason: 'é'.repeat(100) },
      proof: { kind: 'eip1271', signature: new Uint8Array(REVOCATION_LIMITS.contractSignatureBytes) },
    };
    const bytes = revocationCodec.encode(worst);
    expect(bytes.length).toBeLessThanOrEqual(REVOCATION_LIMITS.encodedBytes);
    expect(revocationCodec.decode(bytes)).toEqual(worst);
    const over = { ...worst, proof: { kind: 'eip1271' as const, signature: new Uint8Array(REVOCATION_LIMITS.contractSignatureBytes + 1) } };
    expect(() => revocationCodec.encode(over)).toThrow(/limit of 704/);
  });
});
