import { getAddress } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { HARDHAT_CHAIN_ID, startHardhatNode, type HardhatNode } from '../adapters/chain/hardhatNode.ts';
import { deployOwnerWallet } from '../adapters/chain/testing/ownerWallet.ts';
import { fromBase64url } from '../core/codec/index.ts';
import { delegationCodec } from '../core/identity/index.ts';
import type { EthereumWalletAccount } from '../wallets/connector.ts';
import { memoryMeshHub } from './contexts/memoryMesh.ts';
import { realTimeScheduler } from './scheduler.ts';
import type { TabnodeNode } from './createNode.ts';
import { bareTestNode, until } from './testing.ts';

/**
 * A contract account (ERC-1271, on a real local EVM) as a root: unverifiable without an RPC,
 * accepted through the RPC set in Settings — at login and by peers.
 */
let chain: HardhatNode;
let contractWallet: EthereumWalletAccount;
const nodes: TabnodeNode[] = [];

beforeAll(async () => {
  chain = await startHardhatNode();
  const owner = privateKeyToAccount(generatePrivateKey());
  const address = getAddress(await deployOwnerWallet(chain.url, owner.address));
  // What a smart-account wallet does: the owner key signs, the contract is the account.
  contractWallet = { kind: 'ethereum', address, chainId: HARDHAT_CHAIN_ID, signMessage: ({ message }) => owner.signMessage({ message }), sendTransaction: () => Promise.reject(new Error('this test wallet sends no transactions')), signTypedData: (data) => owner.signTypedData(data as never) };
}, 60_000);
afterAll(() => chain?.stop());
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

async function node(hub: ReturnType<typeof memoryMeshHub>, name: string, rpc?: string): Promise<TabnodeNode> {
  const n = await bareTestNode(hub, name);
  nodes.push(n);
  if (rpc) await n.settings.update({ ...(await n.settings.get()), rpc: { ethereum: rpc, starknet: '' } });
  return n;
}

describe('contract accounts through an RPC', { timeout: 30_000 }, () => {
  test('without an RPC the login is refused as unverifiable, saying what to set', async () => {
    const a = await node(memoryMeshHub(realTimeScheduler), 'A');
    await expect(a.identity.loginWithWallet(contractWallet, 'Laptop')).rejects.toMatchObject({
      name: 'WalletLoginError',
      reason: 'unverifiable',
      message: expect.stringMatching(/RPC/),
    });
  });

  test('with the RPC set, the contract account logs in; peers with an RPC accept it, peers without refuse it with the reason', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const a = await node(hub, 'A', chain.url);
    const status = await a.identity.loginWithWallet(contractWallet, 'Laptop');
    expect(status.root?.id).toBe(`eip155:${HARDHAT_CHAIN_ID}:${contractWallet.address}`);
    const exported = delegationCodec.decode(fromBase64url((await a.identity.exportDelegation())!));
    expect(exported.proof.kind).toBe('eip1271');

    const id = await a.contexts.create('Contract-owned');
    const b = await node(hub, 'B', chain.url);
    await b.identity.useLocalRoot(b.identity.newPhrase(), 'B');
    await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
    await until('B joined, accepting the contract owner', async () => !(await b.contexts.open(id).view()).joining);
    expect((await b.contexts.open(id).view()).members.find((m) => m.role === 'owner')?.root).toBe(status.root!.id);

    const c = await node(hub, 'C');
    await c.identity.useLocalRoot(c.identity.newPhrase(), 'C');
    await c.contexts.join(await a.contexts.open(id).invite({ role: 'reader' }));
    const refused = await until('C refuses the contract account’s proofs', async () => {
      const v = await c.contexts.open(id).view();
      const reasons = [...v.peers.map((p) => p.refusal ?? ''), ...v.rejected.map((r) => r.message)];
      return reasons.find((r) => /ERC-1271|RPC/.test(r));
    });
    expect(refused).toMatch(/RPC/);
    expect((await c.contexts.open(id).view()).members).toEqual([]);
  });
});
