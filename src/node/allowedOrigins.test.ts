import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterEach, describe, expect, test } from 'vitest';
import { parseInviteLink } from '../core/invitation/index.ts';
import type { EthereumWalletAccount } from '../wallets/connector.ts';
import { memoryMeshHub } from './contexts/memoryMesh.ts';
import type { TabnodeNode } from './createNode.ts';
import { realTimeScheduler } from './scheduler.ts';
import { bareTestNode, testNode, until } from './testing.ts';

/*
 * Allowed origins end to end in one process (docs/decisions/allowed-origins.md): nodes with
 * the memory mesh, wallets signing with real secp256k1 keys, each node on its own page origin.
 */

const APP = 'http://127.0.0.1:8080';
const EVIL = 'https://evil.example';

/** A wallet that signs EIP-191 messages with a real key, whatever page asks: the person is phished. */
function ethereumWallet(): EthereumWalletAccount {
  const account = privateKeyToAccount(generatePrivateKey());
  return { kind: 'ethereum', address: account.address, chainId: 1, signMessage: ({ message }) => account.signMessage({ message }), sendTransaction: () => Promise.reject(new Error('this test wallet sends no transactions')), signTypedData: (data) => account.signTypedData(data as never) };
}

const nodes: TabnodeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

async function node(hub: ReturnType<typeof memoryMeshHub>, name: string, origin = APP): Promise<TabnodeNode> {
  const n = await bareTestNode(hub, name, { origin });
  nodes.push(n);
  return n;
}

async function localNode(hub: ReturnType<typeof memoryMeshHub>, name: string): Promise<TabnodeNode> {
  const n = await testNode(hub, name);
  nodes.push(n);
  return n;
}

describe('allowed origins', { timeout: 30_000 }, () => {
  test('a new context allows the origin of the app that created it; owners change the list through the API', async () => {
    const a = await localNode(memoryMeshHub(realTimeScheduler), 'A');
    const id = await a.contexts.create('Shared');
    expect((await a.contexts.open(id).view()).origins).toEqual([APP]);

    expect(await a.contexts.open(id).changeOrigins({ add: ['  https://Tabnode.example/ '] })).toMatchObject({ valid: true });
    expect((await a.contexts.open(id).view()).origins).toEqual([APP, 'https://tabnode.example']);
    await expect(a.contexts.open(id).changeOrigins({ add: ['tabnode.example'] })).rejects.toMatchObject({ name: 'OriginError', message: /not a web address/ });
    await expect(a.contexts.open(id).changeOrigins({ add: ['https://tabnode.example/app'] })).rejects.toThrow(/write only scheme:\/\/host\[:port\], like https:\/\/tabnode.example/);
    expect(await a.contexts.open(id).changeOrigins({ add: ['https://tabnode.example'] })).toMatchObject({ valid: false, reason: 'bad-origins' });
    expect(await a.contexts.open(id).changeOrigins({ remove: [APP] })).toMatchObject({ valid: true });
    expect((await a.contexts.open(id).view()).origins).toEqual(['https://tabnode.example']);

    const other = await a.contexts.create('Elsewhere', { origins: ['https://a.example', 'https://a.example/'] });
    expect((await a.contexts.open(other).view()).origins).toEqual(['https://a.example']);
  });

  test('a delegation phished by another site is refused by peers, with the reason, on both sides', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const wallet = ethereumWallet();
    const owner = await localNode(hub, 'Owner');
    const id = await owner.contexts.create('Shared');
    const w = await node(hub, 'W');
    await w.identity.loginWithWallet(wallet, 'Laptop');
    const link = await owner.contexts.open(id).invite({ role: 'writer' });
    await w.contexts.join(link);
    await until('the owner has W’s join', async () => (await owner.contexts.open(id).view()).members.length === 2);
    expect((await owner.contexts.open(id).view()).members.find((m) => m.root.startsWith('eip155:'))?.devices[0]).toMatchObject({ label: 'Laptop', origin: APP });

    // evil.example got the same person to sign its challenge: a real delegation of evil's key
    // by W's wallet, for evil.example. With the context's secret it comes back as W.
    const evil = await node(hub, 'evil', EVIL);
    await evil.identity.loginWithWallet(wallet, 'Laptop');
    const evilKey = (await evil.identity.status()).device.publicKey;
    await evil.contexts.rejoin({ id, name: 'Shared', secret: parseInviteLink(link).claims.secret });

    const reason = `signed for ${EVIL}, which this context does not allow (it allows ${APP})`;
    await until('the owner refused the phished key', async () => (await owner.contexts.open(id).view()).peers.some((p) => p.state === 'refused' && p.refusal?.includes(reason)));
    await until('W refused it too', async () => (await w.contexts.open(id).view()).peers.some((p) => p.state === 'refused' && p.refusal?.includes(reason)));
    await until('evil sees why', async () => (await evil.contexts.open(id).view()).joinProblem?.includes(reason));
    const seen = await evil.contexts.open(id).view();
    expect(seen.opCount).toBe(0);
    expect(seen.peers.every((p) => p.state !== 'verified' || p.refusedBy)).toBe(true);
    const devices = (await owner.contexts.open(id).view()).members.flatMap((m) => m.devices);
    expect(devices.map((d) => d.key)).not.toContain(evilKey);
    // W's own device, signed for the app, is unaffected.
    expect(await w.contexts.open(id).write({ method: 'set', args: { key: 'still', value: 1 } })).toMatchObject({ valid: true });
  });

  test("removing the site a wallet member signed in on stops that member's writes at every peer", async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const OTHER = 'http://localhost:5173';
    const owner = await localNode(hub, 'Owner');
    const id = await owner.contexts.create('Shared', { origins: [APP, OTHER] });
    const w = await node(hub, 'W', OTHER);
    await w.identity.loginWithWallet(ethereumWallet(), 'Dev server');
    await w.contexts.join(await owner.contexts.open(id).invite({ role: 'writer' }));
    await until('W joined', async () => !(await w.contexts.open(id).view()).joining);
    expect(await w.contexts.open(id).write({ method: 'set', args: { key: 'before', value: 1 } })).toMatchObject({ valid: true });
    await until('the owner has it', async () => (await owner.contexts.open(id).view()).kv.some(([k]) => k === 'before'));

    expect(await owner.contexts.open(id).changeOrigins({ remove: [OTHER] })).toMatchObject({ valid: true });
    await until('W learned of the removal', async () => (await w.contexts.open(id).view()).origins.length === 1);
    const after = await w.contexts.open(id).write({ method: 'set', args: { key: 'after', value: 1 } });
    expect(after).toMatchObject({ valid: false, reason: 'origin-not-allowed', message: expect.stringContaining(`signed for ${OTHER}, which this context does not allow`) });
    const view = await owner.contexts.open(id).view();
    expect(view.kv.map(([k]) => k)).toEqual(['before']);
    await until('the owner refuses W at the handshake now', async () => (await owner.contexts.open(id).view()).peers.some((p) => p.state === 'refused' && p.refusal?.includes(`signed for ${OTHER}`)));
  });
});
