import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { eip1193AnchorWriter } from '../../adapters/chain/registry/eip1193AnchorWriter.ts';
import { fundedTestWallet, startRegistryNode, type RegistryNode } from '../../adapters/chain/registry/testkit.ts';
import type { Address, Hash32 } from '../../core/anchor/AnchorChain.ts';
import { sha256, toHex } from '../../core/crypto/index.ts';
import { ensureAppsBuilt, readApp } from '../../runtime/testkit.ts';
import type { EthereumWalletAccount } from '../../wallets/connector.ts';
import { memoryMeshHub } from '../contexts/memoryMesh.ts';
import type { TabnodeNode } from '../createNode.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { bareTestNode, until } from '../testing.ts';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startServer } from '../../../server/main.ts';
import { tempDist } from '../../../server/chain/chainTestKit.ts';
import { fetchChainPreset } from './chainPreset.ts';

/*
 * The anchoring service end to end, minus browsers: nodes in one process over memory links,
 * a real Hardhat chain with the registry, a wallet that signs with a real key.
 */

let chain: RegistryNode;
const nodes: TabnodeNode[] = [];
const timings = { pollMs: 100, withheldAfterMs: 1500 };

beforeAll(async () => {
  [chain] = await Promise.all([startRegistryNode(), ensureAppsBuilt()]);
}, 120_000);
afterAll(() => chain?.stop());
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

const fundedWallet = (on: RegistryNode = chain, privateKey?: `0x${string}`) => fundedTestWallet(on, privateKey);

async function node(hub: ReturnType<typeof memoryMeshHub>, name: string, wallet?: EthereumWalletAccount, options: { chain?: boolean; reads?: RegistryNode } = {}): Promise<TabnodeNode> {
  const n = await bareTestNode(hub, name, { anchorTimings: timings });
  nodes.push(n);
  if (wallet) await n.identity.loginWithWallet(wallet, name);
  else await n.identity.useLocalRoot(n.identity.newPhrase(), name);
  if (options.chain === false) return n;
  const current = await n.settings.get();
  const reads = options.reads ?? chain;
  await n.settings.update({ ...current, chain: { rpcUrl: reads.url, chainId: reads.chainId, registry: reads.registry, confirmations: 0 } });
  return n;
}

const rootOf = async (n: TabnodeNode) => (await n.identity.status()).root!.id;
const anchorsOf = async (n: TabnodeNode, id: string) => (await n.contexts.open(id).view()).anchors;

describe('anchoring a context on chain', () => {
  test('register, anchor on removal, peers verify; a member kept from the removal alerts withheld history', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const wallet = await fundedWallet();
    const a = await node(hub, 'A', wallet);
    const [b, c] = [await node(hub, 'B'), await node(hub, 'C')];
    const id = await a.contexts.create('Anchored', { anchor: { chainId: chain.chainId, registry: chain.registry, owner: wallet.address.toLowerCase() as Address } });

    const registered = await a.anchors.register(id, wallet);
    expect(registered).toMatchObject({ kind: 'register', state: 'confirmed' });
    expect(Number(registered.gasUsed)).toBeGreaterThan(21_000);
    await until('A sees its registration', async () => (await anchorsOf(a, id))?.registered);

    await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
    await c.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
    for (const n of [a, b, c]) await until('three members', async () => (await n.contexts.open(id).view()).members.length === 3 && !(await n.contexts.open(id).view()).joining);
    // B and C learnt the binding from the genesis op.
    expect((await anchorsOf(b, id))?.binding).toEqual({ chainId: chain.chainId, registry: chain.registry, owner: wallet.address.toLowerCase() });

    // C is kept away from what follows: it never receives its removal.
    await c.contexts.open(id).setOnline(false);
    a.anchors.useWallet(wallet);
    expect(await a.contexts.open(id).remove(await rootOf(c))).toMatchObject({ valid: true });

    const anchored = await until('the policy anchors the removal', async () => {
      const v = await anchorsOf(a, id);
      return v?.status === 'in-sync' && v.latest ? v : undefined;
    });
    const tx = anchored.txs.find((t) => t.kind === 'anchor' && t.state === 'confirmed');
    expect(Number(tx?.gasUsed)).toBeLessThanOrEqual(50_000);
    await until('B verifies the same anchor', async () => {
      const v = await anchorsOf(b, id);
      return v?.status === 'in-sync' && v.latest?.txHash === anchored.latest!.txHash;
    });

    const withheld = await until('C, shown a history without its removal, alerts', async () => {
      const v = await c.contexts.open(id).view();
      return v.anchors?.status === 'withheld' ? v : undefined;
    });
    const alert = withheld.alerts.find((al) => al.kind === 'anchor');
    expect(alert?.message).toMatch(/Withheld history/);
    expect(alert?.message).toContain(anchored.latest!.txHash);
    expect(alert?.message).toContain(`block ${anchored.latest!.blockNumber}`);
    // It reaches C's one alert list (the alert centre, notifications) as a critical anchor mismatch.
    const stored = await until('C stores the anchor alert', async () => (await c.alerts.list()).find((al) => al.kind === 'anchor-mismatch'));
    expect(stored).toMatchObject({ severity: 'critical', context: id, contextName: 'Anchored' });
    expect(stored.message).toContain(anchored.latest!.txHash);
  }, 90_000);

  test('a key revoked on chain while the revoker is cut off is imported by a peer, which refuses the key’s later writes', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const wallet = await fundedWallet();
    const a = await node(hub, 'A', wallet);
    // B's device is lost to an attacker: it reads no chain and keeps writing.
    const [b, d] = [await node(hub, 'B', undefined, { chain: false }), await node(hub, 'D')];
    const id = await a.contexts.create('Revocations', { anchor: { chainId: chain.chainId, registry: chain.registry, owner: wallet.address.toLowerCase() as Address } });
    await a.anchors.register(id, wallet);
    await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
    await d.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
    for (const n of [a, b, d]) await until('three members', async () => (await n.contexts.open(id).view()).members.length === 3 && !(await n.contexts.open(id).view()).joining);

    const bRoot = await rootOf(b);
    const bKey = (await d.contexts.open(id).view()).members.find((m) => m.root === bRoot)!.devices[0]!.key;
    // Both the revoker and the revoked device are cut off from everyone.
    await a.contexts.open(id).setOnline(false);
    await b.contexts.open(id).setOnline(false);
    expect(await a.anchors.revokeKey(id, bKey, wallet)).toMatchObject({ state: 'confirmed' });

    await until('D imports the revocation from the chain', async () => {
      const v = await d.contexts.open(id).view();
      return v.members.find((m) => m.root === bRoot)?.devices.find((k) => k.key === bKey)?.revoked;
    });
    const late = await b.contexts.open(id).write({ method: 'set', args: { key: 'late', value: 1 } });
    expect(late.valid).toBe(true); // B's device has not heard of it
    await b.contexts.open(id).setOnline(true);
    // D no longer admits the revoked key: its link is refused, its writes never taken.
    await until('D refuses B’s device', async () => (await d.contexts.open(id).view()).peers.some((p) => p.key === bKey && p.state === 'refused'));
    await new Promise((r) => setTimeout(r, 500));
    expect((await d.contexts.open(id).view()).kv.map(([k]) => k)).not.toContain('late');
    expect((await anchorsOf(d, id))?.revokedOnChain).toContain(bKey);
    // Honest members go on: D still writes.
    expect(await d.contexts.open(id).write({ method: 'set', args: { key: 'after', value: 2 } })).toMatchObject({ valid: true });
    expect((await d.contexts.open(id).view()).kv.map(([k]) => k)).toContain('after');
  }, 90_000);

  test('an app that differs from the anchored hash is refused with an alert', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const wallet = await fundedWallet();
    const a = await node(hub, 'A', wallet);
    const b = await node(hub, 'B');
    const board = readApp('team-board');
    const appId = await a.apps.install(board);
    expect(appId).toBe(toHex(sha256(board)));
    const id = await a.contexts.create('Board', { app: appId, anchor: { chainId: chain.chainId, registry: chain.registry, owner: wallet.address.toLowerCase() as Address } });
    await a.anchors.register(id, wallet);
    await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
    await until('B is in', async () => !(await b.contexts.open(id).view()).joining);
    await until('B sees the app matches', async () => (await anchorsOf(b, id))?.appMatches === true);
    expect(await b.contexts.open(id).call('create_task', { title: 'ok' })).toBeDefined();

    // The owner records another binary's hash on chain: the one this context runs is no longer it.
    const other = `0x${toHex(sha256(new TextEncoder().encode('another build')))}` as Hash32;
    const writer = eip1193AnchorWriter({
      request: async ({ method, params }) => {
        if (method === 'eth_chainId') return `0x${chain.chainId.toString(16)}`;
        if (method !== 'eth_sendTransaction') throw new Error(method);
        const tx = (params as [{ to: `0x${string}`; data: `0x${string}` }])[0];
        return wallet.sendTransaction({ to: tx.to, data: tx.data, chainId: chain.chainId });
      },
      from: wallet.address,
      chain: { rpcUrl: chain.url, chainId: chain.chainId, registry: chain.registry },
    });
    const owner = wallet.address.toLowerCase() as Address;
    const seq = (await (await import('../../adapters/chain/registry/viemAnchorChain.ts')).viemAnchorChain({ rpcUrl: chain.url, chainId: chain.chainId, registry: chain.registry }).view(`0x${id}`, owner)).seq;
    await writer.wait(await writer.submit(`0x${id}`, owner, { kind: 'set-app', expectedSeq: seq, appHash: other }));

    const refused = await until('B refuses the app', async () => {
      const v = await b.contexts.open(id).view();
      return v.anchors?.appMatches === false && v.alerts.some((al) => al.kind === 'app-integrity') ? v : undefined;
    });
    expect(refused.alerts.find((al) => al.kind === 'app-integrity')?.message).toMatch(/not the one anchored on chain/);
    await expect(b.contexts.open(id).call('create_task', { title: 'refused' })).rejects.toThrow(/anchored on chain/);
  }, 90_000);

  test('two nodes that read different anchors for the context alert, naming both', async () => {
    // A second chain with the registry at the same address: what a node behind a lying or forked RPC sees.
    const other = await startRegistryNode();
    try {
      expect(other.registry).toBe(chain.registry);
      const hub = memoryMeshHub(realTimeScheduler);
      const wallet = await fundedWallet();
      const a = await node(hub, 'A', wallet);
      const b = await node(hub, 'B', undefined, { reads: other });
      const owner = wallet.address.toLowerCase() as Address;
      const id = await a.contexts.create('Two chains', { anchor: { chainId: chain.chainId, registry: chain.registry, owner } });
      await a.anchors.register(id, wallet);
      await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
      await until('B is in', async () => !(await b.contexts.open(id).view()).joining);
      expect(await a.anchors.anchor(id, wallet)).toMatchObject({ state: 'confirmed' });

      // The same owner key registers and anchors another record on the other chain.
      const twin = await fundedWallet(other, wallet.privateKey);
      const writer = eip1193AnchorWriter({
        request: async ({ method, params }) => {
          if (method === 'eth_chainId') return `0x${other.chainId.toString(16)}`;
          const tx = (params as [{ to: `0x${string}`; data: `0x${string}` }])[0];
          return twin.sendTransaction({ to: tx.to, data: tx.data, chainId: other.chainId });
        },
        from: twin.address,
        chain: { rpcUrl: other.url, chainId: other.chainId, registry: other.registry },
      });
      const appHash = `0x${(await a.contexts.open(id).view()).appId}` as Hash32;
      await writer.wait(await writer.submit(`0x${id}`, owner, { kind: 'register', appHash, admins: [] }));
      const fake = `0x${'ab'.repeat(32)}` as Hash32;
      await writer.wait(await writer.submit(`0x${id}`, owner, { kind: 'anchor', expectedSeq: 1n, record: { govHead: fake, memberRoot: fake, stateRoot: fake, epoch: 0n } }));

      const aSeq = (await anchorsOf(a, id))!.latest!.seq;
      await until('B has read the other anchor', async () => (await anchorsOf(b, id))?.latest?.seq === aSeq);
      for (const [n, name] of [[a, 'A'], [b, 'B']] as const) {
        const alert = await until(`${name} alerts different anchors`, async () => (await n.contexts.open(id).view()).alerts.find((al) => al.message.startsWith('Different anchors')), 20_000);
        expect(alert.message).toContain(`anchor #${aSeq}`);
        const stored = await until(`${name} stores the anchor alert`, async () => (await n.alerts.list()).find((al) => al.kind === 'anchor-mismatch' && al.message.includes('Different anchors')));
        expect(stored).toMatchObject({ severity: 'critical', context: id });
      }
    } finally {
      await other.stop();
    }
  }, 90_000);

  test('an admin with no ETH anchors by signature; the site’s dev relayer sends and pays', async () => {
    const dist = tempDist();
    const server = await startServer({ port: 0, host: '127.0.0.1', distDir: dist.dir, chain: { rpcUrl: chain.url, registry: chain.registry, faucet: true } });
    try {
      await server.chain;
      const hub = memoryMeshHub(realTimeScheduler);
      const a = await bareTestNode(hub, 'A', { origin: new URL(server.url).origin, chainPreset: () => fetchChainPreset(new URL(server.url).origin), anchorTimings: timings });
      nodes.push(a);
      expect(a.chain.preset()).toMatchObject({ relay: true, chainId: chain.chainId });
      // A wallet that holds nothing: it can only sign.
      const unfunded = privateKeyToAccount(generatePrivateKey());
      const wallet: EthereumWalletAccount = {
        kind: 'ethereum',
        address: unfunded.address,
        chainId: chain.chainId,
        signMessage: ({ message }) => unfunded.signMessage({ message }),
        signTypedData: (data) => unfunded.signTypedData(data as never),
        sendTransaction: () => Promise.reject(new Error('this wallet has no ETH to send transactions with')),
      };
      await a.identity.loginWithWallet(wallet, 'A');
      await a.settings.update({ ...(await a.settings.get()), chain: { rpcUrl: chain.url, chainId: chain.chainId, registry: chain.registry, confirmations: 0 } });
      const id = await a.contexts.create('Signed only', { anchor: { chainId: chain.chainId, registry: chain.registry, owner: wallet.address.toLowerCase() as Address } });

      expect(await a.anchors.register(id, wallet, { relayed: true })).toMatchObject({ state: 'confirmed' });
      const anchored = await a.anchors.anchor(id, wallet, { relayed: true });
      expect(anchored).toMatchObject({ kind: 'anchor', state: 'confirmed' });
      expect(Number(anchored.gasUsed)).toBeGreaterThan(21_000);
      await until('A reads its relayed anchor back', async () => (await anchorsOf(a, id))?.status === 'in-sync');
      // Sent by the wallet itself it would fail: it has nothing to pay with.
      expect(await a.anchors.anchor(id, wallet)).toMatchObject({ state: 'failed' });
    } finally {
      await server.close();
      dist.remove();
    }
  }, 90_000);

  test('after concurrent governance changes, an anchor covers them all (merging the heads first) and every node is in sync', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const wallet = await fundedWallet();
    const a = await node(hub, 'A', wallet);
    const [b, c] = [await node(hub, 'B'), await node(hub, 'C')];
    const id = await a.contexts.create('Concurrent', { anchor: { chainId: chain.chainId, registry: chain.registry, owner: wallet.address.toLowerCase() as Address } });
    await a.anchors.register(id, wallet);
    // Two joins made at once, neither seeing the other: two governance heads.
    const [linkB, linkC] = [await a.contexts.open(id).invite({ role: 'writer' }), await a.contexts.open(id).invite({ role: 'writer' })];
    await Promise.all([b.contexts.join(linkB), c.contexts.join(linkC)]);
    for (const n of [a, b, c]) await until('three members', async () => (await n.contexts.open(id).view()).members.length === 3 && !(await n.contexts.open(id).view()).joining);
    await until('A has both joins', async () => (await a.contexts.open(id).view()).heads.length >= 1);

    const tx = await a.anchors.anchor(id, wallet);
    expect(tx.state).toBe('confirmed');
    for (const [n, name] of [[a, 'A'], [b, 'B'], [c, 'C']] as const) {
      await until(`${name} in sync with the anchor`, async () => {
        const v = await anchorsOf(n, id);
        return v?.status === 'in-sync' && v.latest?.txHash === tx.txHash;
      });
    }
    // Nothing left for the policy to anchor.
    expect((await anchorsOf(a, id))?.due).toBeUndefined();
  }, 90_000);

  test('a member made admin is made admin on chain too, and anchors with its own wallet; demoted, it no longer can', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const [ownerWallet, adminWallet] = [await fundedWallet(), await fundedWallet()];
    const a = await node(hub, 'A', ownerWallet);
    const e = await node(hub, 'E', adminWallet);
    const owner = ownerWallet.address.toLowerCase() as Address;
    const id = await a.contexts.create('Two admins', { anchor: { chainId: chain.chainId, registry: chain.registry, owner } });
    await a.anchors.register(id, ownerWallet);
    await e.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
    await until('E is in', async () => (await a.contexts.open(id).view()).members.length === 2 && !(await e.contexts.open(id).view()).joining);
    a.anchors.useWallet(ownerWallet);

    const eRoot = await rootOf(e);
    const eAddress = adminWallet.address.toLowerCase();
    expect(await a.contexts.open(id).setRole(eRoot, 'admin')).toMatchObject({ valid: true });
    await until('the owner’s policy adds E on chain', async () => (await anchorsOf(a, id))?.chainAdmins.includes(eAddress));
    await until('E reads itself admin on chain', async () => (await anchorsOf(e, id))?.chainAdmins.includes(eAddress));
    await until('E is admin here', async () => (await e.contexts.open(id).view()).myRole === 'admin');
    expect(await e.anchors.anchor(id, adminWallet)).toMatchObject({ state: 'confirmed' });

    expect(await a.contexts.open(id).setRole(eRoot, 'writer')).toMatchObject({ valid: true });
    await until('the owner’s policy removes E on chain', async () => {
      const v = await anchorsOf(a, id);
      return v && !v.chainAdmins.includes(eAddress) && v.adminChanges.length === 0;
    });
    await until('E reads the change', async () => !(await anchorsOf(e, id))?.chainAdmins.includes(eAddress));
    // The registry itself refuses it now (E's node would not even offer it in the panel).
    const refused = await (await e.contexts.open(id).anchors()).anchor(await (await import('./walletWriter.ts')).walletAnchorWriter(adminWallet, { chainId: chain.chainId, registry: chain.registry, owner }, await e.settings.get()));
    expect(refused.state).toBe('failed');
  }, 90_000);
});
