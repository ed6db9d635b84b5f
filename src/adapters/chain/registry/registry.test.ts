import { randomBytes } from 'node:crypto';
import { createPublicClient, hashTypedData, http, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address, AnchorWriter, Hash32, RegistryMutation } from '../../../core/anchor/AnchorChain.ts';
import { RpcChainMismatchError } from '../rpcAccountVerifier.ts';
import { deployOwnerWallet } from '../testing/ownerWallet.ts';
import { registryAbi } from './artifact.ts';
import { encodeRelayed } from './calldata.ts';
import { eip1193AnchorWriter } from './eip1193AnchorWriter.ts';
import { RegistryMissingError, RegistryRevertError, WalletChainMismatchError } from './errors.ts';
import { registryKey } from './registryKey.ts';
import { relayedAnchorWriter } from './relayedAnchorWriter.ts';
import { startRegistryNode, type RegistryNode } from './testkit.ts';
import { registryTypedData, type RegistryTypedData } from './typedData.ts';
import { viemAnchorChain } from './viemAnchorChain.ts';

/*
 * TabnodeRegistry on a real chain (one Hardhat node for the file): relayed signatures from
 * EOAs and ERC-1271 contract accounts, malleated and misdirected signatures, deadlines,
 * replays, the adapters' chain checks, and the anchor's gas.
 */

/** Hardhat's account #0 (the well-known "test test … junk" mnemonic): pays as a relayer. */
const RELAYER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const hash = (): Hash32 => `0x${randomBytes(32).toString('hex')}`;
const record = () => ({ govHead: hash(), memberRoot: hash(), stateRoot: hash(), epoch: 0n });

let n: RegistryNode;
let chain: { rpcUrl: string; chainId: number; registry: Address };

beforeAll(async () => {
  n = await startRegistryNode();
  chain = { rpcUrl: n.url, chainId: n.chainId, registry: n.registry };
}, 60_000);
afterAll(async () => {
  await n?.stop();
}, 15_000);

const direct = (i: number): AnchorWriter => eip1193AnchorWriter({ request: n.request, from: n.accounts[i]!, chain });

/** An admin key that holds no ETH: it only signs; Hardhat's account #0 relays with its private key. */
function keyWriter(privateKey: Hex = generatePrivateKey(), ttlSeconds?: number): AnchorWriter {
  const account = privateKeyToAccount(privateKey);
  return relayedAnchorWriter({
    signer: account.address,
    signTypedData: (td) => account.signTypedData(td as never),
    relayer: { privateKey: RELAYER_KEY },
    chain,
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  });
}

async function done(w: AnchorWriter, context: Hash32, owner: Address, m: RegistryMutation) {
  const confirmed = await w.wait(await w.submit(context, owner, m));
  expect(confirmed.success).toBe(true);
  return confirmed;
}

async function refusal(p: Promise<unknown>): Promise<RegistryRevertError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RegistryRevertError);
  return e as RegistryRevertError;
}

/** Signs `m` for `signer` with `sign` and returns the relayed calldata (to send as often as a test likes). */
async function signedCall(context: Hash32, owner: Address, m: RegistryMutation, signer: Address, sign: (td: RegistryTypedData) => Promise<Hex>, deadline?: bigint) {
  const dl = deadline ?? BigInt(Math.floor(Date.now() / 1000) + 600);
  const td = registryTypedData({ chainId: chain.chainId, registry: chain.registry, context, owner, mutation: m, deadline: dl });
  const signature = await sign(td);
  return { td, signature, data: (sig: Hex = signature) => encodeRelayed(context, owner, m, signer, dl, sig) };
}

async function send(data: Hex): Promise<void> {
  const txHash = await import('./eip1193AnchorWriter.ts').then((w) => w.sendTransaction(n.request, { from: n.accounts[5]!, to: chain.registry, data }));
  await direct(5).wait({ txHash });
}

describe('TabnodeRegistry on a real chain', { timeout: 30_000 }, () => {
  it('computes the same context key and anchor hash as core', async () => {
    const client = createPublicClient({ transport: http(n.url) });
    const context = hash();
    const owner = n.accounts[0]!;
    expect(await client.readContract({ address: chain.registry, abi: registryAbi, functionName: 'keyOf', args: [context, owner] })).toBe(registryKey(context, owner));
    // The anchor-hash agreement is checked on every anchor of the contract suite (view.anchorHash).
  });

  it('accepts relayed changes signed by an EOA admin that holds no ETH, and names it as `by`', async () => {
    const ownerKey = generatePrivateKey();
    const owner = privateKeyToAccount(ownerKey).address.toLowerCase() as Address;
    const adminKey = generatePrivateKey();
    const admin = keyWriter(adminKey);
    const context = hash();
    await done(keyWriter(ownerKey), context, owner, { kind: 'register', appHash: hash(), admins: [admin.from] });
    const r = record();
    await done(admin, context, owner, { kind: 'anchor', expectedSeq: 1n, record: r });
    const events = await viemAnchorChain(chain).events(context, owner, 0n, 1_000_000n);
    expect(events.map((e) => [e.kind, 'by' in e && e.by])).toEqual([
      ['registered', owner],
      ['anchored', admin.from],
    ]);
    // A relayed change signed by a non-admin is refused like a direct one.
    expect((await refusal(keyWriter().submit(context, owner, { kind: 'anchor', expectedSeq: 2n, record: record() }))).errorName).toBe('NotAdmin');
  });

  it('accepts relayed changes signed for an ERC-1271 contract account (register and anchor), and refuses another key', async () => {
    const key = generatePrivateKey();
    const keyAccount = privateKeyToAccount(key);
    const wallet = (await deployOwnerWallet(n.url, keyAccount.address)).toLowerCase() as Address;
    // OwnerWallet accepts the owner key's signature over the EIP-712 digest itself.
    const walletWriter = (signingKey: Hex) =>
      relayedAnchorWriter({
        signer: wallet,
        signTypedData: (td) => privateKeyToAccount(signingKey).sign({ hash: hashTypedData(td as never) }),
        relayer: { request: n.request, from: n.accounts[6]! },
        chain,
      });
    const context = hash();
    await done(walletWriter(key), context, wallet, { kind: 'register', appHash: hash(), admins: [] });
    await done(walletWriter(key), context, wallet, { kind: 'anchor', expectedSeq: 1n, record: record() });
    expect((await viemAnchorChain(chain).view(context, wallet)).seq).toBe(2n);
    const bad = await refusal(walletWriter(generatePrivateKey()).submit(context, wallet, { kind: 'anchor', expectedSeq: 2n, record: record() }));
    expect(bad.errorName).toBe('BadSignature');
    expect(bad.args).toEqual([expect.stringMatching(new RegExp(wallet, 'i'))]);
  });

  it('refuses a relayed change after its deadline', async () => {
    const ownerKey = generatePrivateKey();
    const owner = privateKeyToAccount(ownerKey).address;
    const e = await refusal(keyWriter(ownerKey, -60).submit(hash(), owner, { kind: 'register', appHash: hash(), admins: [] }));
    expect(e.errorName).toBe('Expired');
  });

  it('a replayed signature does nothing: seq changes are stale, revocations idempotent', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const owner = account.address.toLowerCase() as Address;
    const sign = (td: RegistryTypedData) => account.signTypedData(td as never);
    const context = hash();
    const register = await signedCall(context, owner, { kind: 'register', appHash: hash(), admins: [] }, owner, sign);
    await send(await register.data());
    expect((await refusal(send(await register.data()))).errorName).toBe('AlreadyRegistered');

    const anchor = await signedCall(context, owner, { kind: 'anchor', expectedSeq: 1n, record: record() }, owner, sign);
    await send(await anchor.data());
    const replay = await refusal(send(await anchor.data()));
    expect([replay.errorName, replay.args]).toEqual(['StaleSeq', [1n, 2n]]);

    const revoke = await signedCall(context, owner, { kind: 'revoke-key', clientKey: hash() }, owner, sign);
    await send(await revoke.data());
    await send(await revoke.data());
    const reader = viemAnchorChain(chain);
    const events = await reader.events(context, owner, 0n, await reader.blockNumber());
    expect(events.map((e) => e.kind)).toEqual(['registered', 'anchored', 'key-revoked']);
  });

  it('refuses malleated (high-s), odd-v, wrong-chain and wrong-registry signatures', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const owner = account.address.toLowerCase() as Address;
    const m: RegistryMutation = { kind: 'register', appHash: hash(), admins: [] };
    const context = hash();
    const call = await signedCall(context, owner, m, owner, (td) => account.signTypedData(td as never));
    const r = call.signature.slice(2, 66);
    const s = BigInt(`0x${call.signature.slice(66, 130)}`);
    const v = parseInt(call.signature.slice(130, 132), 16);
    const highS = `0x${r}${(SECP256K1_N - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    expect((await refusal(send(await call.data(highS)))).errorName).toBe('BadSignature');
    const oddV = `0x${r}${call.signature.slice(66, 130)}${(v - 27).toString(16).padStart(2, '0')}` as Hex;
    expect((await refusal(send(await call.data(oddV)))).errorName).toBe('BadSignature');
    const otherChain = await account.signTypedData({ ...call.td, domain: { ...call.td.domain, chainId: 1 } } as never);
    expect((await refusal(send(await call.data(otherChain)))).errorName).toBe('BadSignature');
    const otherRegistry = await account.signTypedData({ ...call.td, domain: { ...call.td.domain, verifyingContract: `0x${'11'.repeat(20)}` } } as never);
    expect((await refusal(send(await call.data(otherRegistry)))).errorName).toBe('BadSignature');
    await send(await call.data()); // the genuine one still works
    expect((await viemAnchorChain(chain).view(context, owner)).registered).toBe(true);
  });

  it('records a relayed revocation by a non-admin as a self-claim, per revoker', async () => {
    const context = hash();
    const owner = n.accounts[0]!;
    await done(direct(0), context, owner, { kind: 'register', appHash: hash(), admins: [] });
    const root = keyWriter();
    const clientKey = hash();
    await done(root, context, owner, { kind: 'revoke-key', clientKey });
    const client = createPublicClient({ transport: http(n.url) });
    const revokedBy = (by: Address) => client.readContract({ address: chain.registry, abi: registryAbi, functionName: 'revokedBy', args: [context, owner, clientKey, by] });
    expect(await revokedBy(root.from)).toBe(true);
    expect(await revokedBy(n.accounts[1]!)).toBe(false);
    expect(await viemAnchorChain(chain).isRevoked(context, owner, clientKey)).toBe(false);
    const [event] = await viemAnchorChain(chain).events(context, owner, 0n, 1_000_000n).then((es) => es.filter((e) => e.kind === 'key-revoked'));
    expect(event).toMatchObject({ kind: 'key-revoked', clientKey, by: root.from, asAdmin: false });
    // An admin's revocation is the context's (isRevoked), not a self-claim.
    await done(direct(0), context, owner, { kind: 'revoke-key', clientKey });
    expect(await viemAnchorChain(chain).isRevoked(context, owner, clientKey)).toBe(true);
    expect(await revokedBy(owner)).toBe(false);
  });

  it('an anchor costs at most 50,000 gas, the first one included', async () => {
    const context = hash();
    const owner = n.accounts[0]!;
    await done(direct(0), context, owner, { kind: 'register', appHash: hash(), admins: [n.accounts[1]!] });
    const first = await done(direct(0), context, owner, { kind: 'anchor', expectedSeq: 1n, record: record() });
    const byAdmin = await done(direct(1), context, owner, { kind: 'anchor', expectedSeq: 2n, record: record() });
    expect(first.gasUsed).toBeLessThanOrEqual(50_000n);
    expect(byAdmin.gasUsed).toBeLessThanOrEqual(50_000n);
  });

  it('the adapters check the chain: the wrong chain, no registry, a wallet on another chain', async () => {
    await expect(viemAnchorChain({ ...chain, chainId: 1 }).blockNumber()).rejects.toBeInstanceOf(RpcChainMismatchError);
    await expect(viemAnchorChain({ ...chain, registry: `0x${'22'.repeat(20)}` }).view(hash(), n.accounts[0]!)).rejects.toBeInstanceOf(RegistryMissingError);
    const wrongWallet = eip1193AnchorWriter({ request: n.request, from: n.accounts[0]!, chain: { ...chain, chainId: 1 } });
    await expect(wrongWallet.submit(hash(), n.accounts[0]!, { kind: 'register', appHash: hash(), admins: [] })).rejects.toBeInstanceOf(WalletChainMismatchError);
  });
});
