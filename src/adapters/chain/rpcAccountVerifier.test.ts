import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ec, typedData as snip12, type TypedData } from 'starknet';
import { createSiweMessage } from 'viem/siwe';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedSigner } from '../../core/crypto/index.ts';
import {
  ethereumRootId,
  signEthereumDelegation,
  signEthereumRevocation,
  signStarknetDelegation,
  verifyDelegation,
  verifyRevocation,
  type Delegation,
  type DelegationClaims,
  type RootId,
  type SiweFields,
  type StarknetTypedDataSigner,
} from '../../core/identity/index.ts';
import { RpcChainMismatchError, RpcUnavailableError, RpcUrlError, rpcAccountVerifier } from './rpcAccountVerifier.ts';
import { HARDHAT_CHAIN_ID, startHardhatNode, type HardhatNode } from './hardhatNode.ts';
import { compileOwnerWallet, deployOwnerWallet } from './testing/ownerWallet.ts';
import { startStarknetRpcDouble, type StarknetRpcDouble } from './testing/starknetRpcDouble.ts';

const NOW = Date.now();
const DAY = 86_400_000;
const FIELDS: SiweFields = { domain: 'app.tabnode.example', uri: 'https://app.tabnode.example/', nonce: 'n0nce1234abcd' };

/** A loopback URL where nothing listens (a port just released by the OS). */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** A server that accepts requests and never answers: only the verifier's timeout ends the wait. */
async function silentServer(): Promise<{ url: string; server: Server }> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function claims(): Promise<Omit<DelegationClaims, 'root'>> {
  const device = await seedSigner(new Uint8Array(32).fill(7));
  return { clientKey: device.publicKey, label: 'Laptop', issuedAt: NOW, expiresAt: NOW + 30 * DAY };
}

describe('Ethereum: ERC-1271 through a real local EVM (Hardhat 2)', () => {
  const owner = privateKeyToAccount(generatePrivateKey());
  const stranger = privateKeyToAccount(generatePrivateKey());
  let node: HardhatNode;
  let wallet: Address;

  beforeAll(async () => {
    node = await startHardhatNode();
    compileOwnerWallet();
    wallet = await deployOwnerWallet(node.url, owner.address);
  }, 45_000);
  afterAll(() => node?.stop());

  /** A SIWE-style message for the contract account, as a wallet would show it. */
  function siwe(chainId = HARDHAT_CHAIN_ID): string {
    return createSiweMessage({ ...FIELDS, address: wallet, chainId, version: '1', statement: 'Tabnode test', issuedAt: new Date(NOW) });
  }
  const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.slice(2), 'hex'));

  test("the owner's signature over a SIWE message is the contract's; another key's, a tampered message, the wrong length are not", async () => {
    const { ethereum } = rpcAccountVerifier({ ethereum: node.url });
    const message = siwe();
    const signature = bytes(await owner.signMessage({ message }));
    expect(await ethereum!({ chainId: HARDHAT_CHAIN_ID, address: wallet, message, signature })).toBe(true);
    const foreign = bytes(await stranger.signMessage({ message }));
    expect(await ethereum!({ chainId: HARDHAT_CHAIN_ID, address: wallet, message, signature: foreign })).toBe(false);
    expect(await ethereum!({ chainId: HARDHAT_CHAIN_ID, address: wallet, message: `${message}.`, signature })).toBe(false);
    // OwnerWallet reverts on a signature that is not 65 bytes: a revert is a refusal.
    expect(await ethereum!({ chainId: HARDHAT_CHAIN_ID, address: wallet, message, signature: signature.subarray(0, 64) })).toBe(false);
  });

  test('an address without a contract (an EOA) vouches for nothing', async () => {
    const { ethereum } = rpcAccountVerifier({ ethereum: node.url });
    const message = siwe();
    const signature = bytes(await owner.signMessage({ message }));
    expect(await ethereum!({ chainId: HARDHAT_CHAIN_ID, address: owner.address, message, signature })).toBe(false);
  });

  test('an RPC for another chain throws RpcChainMismatchError naming both chains', async () => {
    const { ethereum } = rpcAccountVerifier({ ethereum: node.url });
    const message = siwe(1);
    const signature = bytes(await owner.signMessage({ message }));
    const check = ethereum!({ chainId: 1, address: wallet, message, signature });
    await expect(check).rejects.toBeInstanceOf(RpcChainMismatchError);
    await expect(check).rejects.toMatchObject({ expected: 1, actual: HARDHAT_CHAIN_ID, url: node.url });
    await expect(check).rejects.toThrow(`serves chain ${HARDHAT_CHAIN_ID}, but the account is on chain 1`);
  });

  test('an unreachable RPC throws RpcUnavailableError with the URL and the cause', async () => {
    const url = await deadUrl();
    const { ethereum } = rpcAccountVerifier({ ethereum: url });
    const check = ethereum!({ chainId: HARDHAT_CHAIN_ID, address: wallet, message: 'm', signature: new Uint8Array(65) });
    await expect(check).rejects.toBeInstanceOf(RpcUnavailableError);
    await expect(check).rejects.toMatchObject({ url, chain: 'Ethereum' });
    await expect(check).rejects.toThrow(/at http:\/\/127\.0\.0\.1:\d+ did not answer \(HTTP request failed: ECONNREFUSED\)/);
  });

  test('an RPC that never answers is given up on after timeoutMs', async () => {
    const { url, server } = await silentServer();
    try {
      const { ethereum } = rpcAccountVerifier({ ethereum: url, timeoutMs: 300 });
      const started = performance.now();
      const check = ethereum!({ chainId: HARDHAT_CHAIN_ID, address: wallet, message: 'm', signature: new Uint8Array(65) });
      await expect(check).rejects.toBeInstanceOf(RpcUnavailableError);
      expect(performance.now() - started).toBeLessThan(2_000);
      await expect(check).rejects.toThrow(/took too long/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('core: an eip1271 delegation is unverifiable offline and decided by the chain with the RPC verifier', async () => {
    const accounts = rpcAccountVerifier({ ethereum: node.url });
    const contract = { address: wallet, signMessage: owner.signMessage };
    const d = await signEthereumDelegation(contract, { ...(await claims()), chainId: HARDHAT_CHAIN_ID }, FIELDS, { contract: true });
    expect(d.proof.kind).toBe('eip1271');
    expect(d.claims.root).toBe(await ethereumRootId(HARDHAT_CHAIN_ID, wallet));
    expect(await verifyDelegation(d, NOW)).toMatchObject({ ok: false, reason: 'unverifiable' });
    expect(await verifyDelegation(d, NOW, { accounts })).toEqual({ ok: true });

    const tampered: Delegation = { claims: { ...d.claims, label: 'Phone' }, proof: d.proof };
    expect(await verifyDelegation(tampered, NOW, { accounts })).toMatchObject({ ok: false, reason: 'bad-signature' });

    // The same account named on chain 1: the 31337 RPC cannot speak for it.
    const onMainnet: Delegation = { claims: { ...d.claims, root: (await ethereumRootId(1, wallet)) as RootId }, proof: d.proof };
    const mismatch = await verifyDelegation(onMainnet, NOW, { accounts });
    expect(mismatch).toMatchObject({ ok: false, reason: 'unverifiable' });
    if (!mismatch.ok) expect(mismatch.message).toMatch(`serves chain ${HARDHAT_CHAIN_ID}, but the account is on chain 1`);

    const down = await verifyDelegation(d, NOW, { accounts: rpcAccountVerifier({ ethereum: await deadUrl() }) });
    expect(down).toMatchObject({ ok: false, reason: 'unverifiable' });
    if (!down.ok) expect(down.message).toMatch(/did not answer.*check the RPC URL in Settings/);
  });

  test('core: signing with the RPC verifier refuses a contract answer signed by another key', async () => {
    const accounts = rpcAccountVerifier({ ethereum: node.url });
    const impostor = { address: wallet, signMessage: stranger.signMessage };
    await expect(
      signEthereumDelegation(impostor, { ...(await claims()), chainId: HARDHAT_CHAIN_ID }, FIELDS, { contract: true, accounts }),
    ).rejects.toMatchObject({ name: 'ProofSigningError', reason: 'bad-signature' });
  });

  test('core: an eip1271 revocation is accepted through the RPC verifier', async () => {
    const accounts = rpcAccountVerifier({ ethereum: node.url });
    const root = (await ethereumRootId(HARDHAT_CHAIN_ID, wallet)) as RootId;
    const contract = { address: wallet, signMessage: owner.signMessage };
    const r = await signEthereumRevocation(
      contract,
      { root, clientKey: (await claims()).clientKey, revokedAt: NOW, reason: 'lost' },
      { contract: true, accounts },
    );
    expect(r.proof.kind).toBe('eip1271');
    expect(await verifyRevocation(r)).toMatchObject({ ok: false, reason: 'unverifiable' });
    expect(await verifyRevocation(r, { accounts })).toEqual({ ok: true });
  });
});

describe('Starknet: is_valid_signature through a JSON-RPC protocol double (not a chain)', () => {
  const privateKey = ec.starkCurve.utils.randomPrivateKey();
  const starkKey = ec.starkCurve.getStarkKey(privateKey);
  const otherKey = ec.starkCurve.utils.randomPrivateKey();
  // An account whose address is not its key's OpenZeppelin address: offline checks cannot tie them.
  const address = '0x04a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f';
  const hash = '0x05ee1b8c7c2f1f2d1a7c3c1fa4c5b4d0e1b3b1a6f3c2d1e0f9a8b7c6d5e4f3a2';
  let double: StarknetRpcDouble;

  function sign(key: Uint8Array, msgHash = hash): string[] {
    const { r, s } = ec.starkCurve.sign(msgHash, key);
    return [`0x${r.toString(16)}`, `0x${s.toString(16)}`];
  }

  beforeAll(async () => {
    double = await startStarknetRpcDouble({ chainId: 'SN_SEPOLIA', accounts: [{ address, starkKey }] });
  });
  afterAll(() => double?.close());

  test("the account's key signature is VALID; another key's, or an unknown account, is not", async () => {
    const { starknet } = rpcAccountVerifier({ starknet: double.url });
    const signature = sign(privateKey);
    expect(await starknet!({ chainId: 'SN_SEPOLIA', address, hash, signature })).toBe(true);
    const call = double.requests.find((r) => r.method === 'starknet_call')?.params as { block_id: unknown; request: { calldata: string[] } };
    // calldata is [hash, signature.length, ...signature], read at the latest block.
    expect(call.block_id).toBe('latest');
    expect(call.request.calldata.map(BigInt)).toEqual([hash, '0x2', ...signature].map(BigInt));
    expect(await starknet!({ chainId: 'SN_SEPOLIA', address, hash, signature: sign(otherKey) })).toBe(false);
    expect(await starknet!({ chainId: 'SN_SEPOLIA', address: '0x123', hash, signature })).toBe(false);
  });

  test('an account answering 1 (older accounts) is accepted too', async () => {
    const legacy = await startStarknetRpcDouble({ chainId: 'SN_SEPOLIA', accounts: [{ address, starkKey }], validAnswer: 'true' });
    try {
      const { starknet } = rpcAccountVerifier({ starknet: legacy.url });
      expect(await starknet!({ chainId: 'SN_SEPOLIA', address, hash, signature: sign(privateKey) })).toBe(true);
    } finally {
      await legacy.close();
    }
  });

  test('an RPC for another chain throws RpcChainMismatchError naming both chains', async () => {
    const { starknet } = rpcAccountVerifier({ starknet: double.url });
    const check = starknet!({ chainId: 'SN_MAIN', address, hash, signature: sign(privateKey) });
    await expect(check).rejects.toBeInstanceOf(RpcChainMismatchError);
    await expect(check).rejects.toMatchObject({ expected: 'SN_MAIN', actual: 'SN_SEPOLIA' });
  });

  test('an unreachable or silent RPC throws RpcUnavailableError', async () => {
    const url = await deadUrl();
    const down = rpcAccountVerifier({ starknet: url }).starknet!({ chainId: 'SN_SEPOLIA', address, hash, signature: sign(privateKey) });
    await expect(down).rejects.toBeInstanceOf(RpcUnavailableError);
    await expect(down).rejects.toMatchObject({ url, chain: 'Starknet' });
    await expect(down).rejects.toThrow(/ECONNREFUSED/);

    const { url: silent, server } = await silentServer();
    try {
      const started = performance.now();
      const hung = rpcAccountVerifier({ starknet: silent, timeoutMs: 300 }).starknet!({ chainId: 'SN_SEPOLIA', address, hash, signature: sign(privateKey) });
      await expect(hung).rejects.toThrow(/no answer within 300 ms/);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('core: a Starknet account not tied to its key offline is accepted through the RPC verifier', async () => {
    const wallet: StarknetTypedDataSigner = {
      address,
      chainId: 'SN_SEPOLIA',
      publicKey: starkKey,
      async signTypedData(data) {
        const { r, s } = ec.starkCurve.sign(snip12.getMessageHash(data as TypedData, address), privateKey);
        return [`0x${r.toString(16)}`, `0x${s.toString(16)}`];
      },
    };
    const d = await signStarknetDelegation(wallet, await claims(), FIELDS);
    expect(await verifyDelegation(d, NOW)).toMatchObject({ ok: false, reason: 'unverifiable' });
    expect(await verifyDelegation(d, NOW, { accounts: rpcAccountVerifier({ starknet: double.url }) })).toEqual({ ok: true });
    const tampered: Delegation = { claims: { ...d.claims, label: 'Phone' }, proof: d.proof };
    expect(await verifyDelegation(tampered, NOW, { accounts: rpcAccountVerifier({ starknet: double.url }) })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });
});

describe('configuration', () => {
  test('only the chains given a URL get a check; a URL that is not http(s) is refused at once', () => {
    expect(Object.keys(rpcAccountVerifier({}))).toEqual([]);
    expect(Object.keys(rpcAccountVerifier({ ethereum: 'https://rpc.example.org' }))).toEqual(['ethereum']);
    expect(Object.keys(rpcAccountVerifier({ starknet: 'https://rpc.example.org' }))).toEqual(['starknet']);
    expect(() => rpcAccountVerifier({ ethereum: 'wss://rpc.example.org' })).toThrow(RpcUrlError);
    expect(() => rpcAccountVerifier({ starknet: 'not a url' })).toThrow(/not an http\(s\) RPC URL/);
  });

  test('messages show the RPC host, not the path or query that may hold an API key', async () => {
    const url = `${await deadUrl()}/v3/secret-key?token=secret`;
    const check = rpcAccountVerifier({ ethereum: url }).ethereum!({
      chainId: 1,
      address: '0x0000000000000000000000000000000000000001',
      message: 'm',
      signature: new Uint8Array(65),
    });
    await expect(check).rejects.toMatchObject({ url });
    await expect(check).rejects.not.toThrow(/secret/);
  });
});
