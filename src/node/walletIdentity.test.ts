import { ethereumWallet } from './walletDoubles.testing.ts';
import { afterEach, describe, expect, test } from 'vitest';
import { fromBase58 } from '../core/codec/index.ts';
import { toHex } from '../core/crypto/index.ts';
import { parseInviteLink } from '../core/invitation/index.ts';
import { memoryMeshHub } from './contexts/memoryMesh.ts';
import type { TabnodeNode } from './createNode.ts';
import { WalletLoginError } from './identityService.ts';
import { realTimeScheduler } from './scheduler.ts';
import { bareTestNode, testNode, until } from './testing.ts';
import { memoryStore } from '../core/store/index.ts';
import { signWithWallet } from './walletSigning.ts';

const nodes: TabnodeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

async function bareNode(hub: ReturnType<typeof memoryMeshHub>, name: string, origin?: string): Promise<TabnodeNode> {
  const node = await bareTestNode(hub, name, origin ? { origin } : {});
  nodes.push(node);
  return node;
}

describe('wallet login', () => {
  test('a wallet account becomes the root and this device is delegated', async () => {
    const wallet = ethereumWallet();
    const node = await bareNode(memoryMeshHub(realTimeScheduler), 'A');
    const status = await node.identity.loginWithWallet(wallet, 'Laptop');
    expect(status.root).toMatchObject({ id: `eip155:1:${wallet.address}`, kind: 'ethereum' });
    expect(status.delegation).toMatchObject({ label: 'Laptop', valid: true });
    expect((await node.identity.signing()).root).toBe(`eip155:1:${wallet.address}`);
  });

  test('without its wallet, a wallet root is told in words (no root id) that the wallet signs new delegations', async () => {
    const node = await bareNode(memoryMeshHub(realTimeScheduler), 'A');
    await expect(node.identity.signing()).rejects.toThrow('No identity on this browser yet. Create one, or restore yours from its recovery phrase.');
    await node.identity.loginWithWallet(ethereumWallet(), 'Laptop');
    const refusal = (await node.identity.delegate(new Uint8Array(32).fill(7), 'Next key').catch((e: unknown) => e)) as Error;
    expect(refusal.message).toBe('This identity is a wallet account, so only its wallet can sign a new delegation. Connect the wallet and confirm there.');
    expect(refusal.message).not.toContain('eip155');
  });

  test('an answer is taken once, and only for the challenge this node issued', async () => {
    const wallet = ethereumWallet();
    const node = await bareNode(memoryMeshHub(realTimeScheduler), 'A');
    const challenge = await node.identity.walletChallenge({ chain: 'eip155:1', label: 'Laptop' });
    const answer = await signWithWallet(wallet, challenge);
    await node.identity.completeWalletLogin(answer);
    await expect(node.identity.completeWalletLogin(answer)).rejects.toMatchObject({
      name: 'WalletLoginError',
      reason: 'reused-nonce',
      message: 'This sign-in was already used: each signed sign-in counts once. Start the sign-in again.',
    });
    await expect(node.identity.completeWalletLogin({ ...answer, proof: { ...answer.proof, nonce: 'neverIssued123' } } as typeof answer)).rejects.toMatchObject({
      reason: 'unknown-nonce',
      message: expect.stringMatching(/^This node did not ask for this sign-in/),
    });

    // Signed for another site: a phishing page's challenge relayed to this node.
    const elsewhere = await bareNode(memoryMeshHub(realTimeScheduler), 'evil', 'https://evil.example');
    const theirs = await elsewhere.identity.walletChallenge({ chain: 'eip155:1', label: 'Laptop' });
    const ours = await node.identity.walletChallenge({ chain: 'eip155:1', label: 'Laptop' });
    const forged = await signWithWallet(wallet, { ...theirs, nonce: ours.nonce, clientKey: ours.clientKey, issuedAt: ours.issuedAt, expiresAt: ours.expiresAt });
    const refusal = await node.identity.completeWalletLogin(forged).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(WalletLoginError);
    expect(refusal).toMatchObject({ reason: 'wrong-domain' });

    // The wallet is on another chain than the one asked for.
    const onMainnet = await node.identity.walletChallenge({ chain: 'eip155:1', label: 'Laptop' });
    const onOptimism = await signWithWallet(ethereumWallet(undefined, 10), { ...onMainnet, chain: 'eip155:10' });
    await expect(node.identity.completeWalletLogin(onOptimism)).rejects.toMatchObject({ reason: 'wrong-chain' });
  });
});

// Several nodes over memory links with real timers: a slow, loaded machine may need a few anti-entropy rounds.
describe('devices of a wallet root', { timeout: 30_000 }, () => {
  test('a second browser revokes the first device; members refuse its later writes', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const wallet = ethereumWallet();
    const a1 = await bareNode(hub, 'A1');
    await a1.identity.loginWithWallet(wallet, 'First browser');
    const b = await testNode(hub, 'B');
    nodes.push(b);
    const id = await a1.contexts.create('Shared');
    await b.contexts.join(await a1.contexts.open(id).invite({ role: 'writer' }));
    await until('B joined', async () => !(await b.contexts.open(id).view()).joining);

    // The same wallet in a new browser comes back to the context as a device of a member.
    const a2 = await bareNode(hub, 'A2');
    await a2.identity.loginWithWallet(wallet, 'Second browser');
    const { secret } = parseInviteLink(await a1.contexts.open(id).invite({ role: 'reader' })).claims;
    await a2.contexts.rejoin({ id, name: 'Shared', secret });
    await until('A2 settled', async () => !(await a2.contexts.open(id).view()).joining);
    const firstKey = (await a1.identity.status()).device.publicKey;
    const listed = await a2.devices.list();
    expect(listed.map((d) => d.label).sort()).toEqual(['First browser', 'Second browser']);

    await expect(a2.devices.revoke(firstKey)).rejects.toThrow(/connect the wallet/);
    expect(await a2.devices.revoke(firstKey, { wallet })).toEqual({ contexts: 1, refused: [] });
    await until('B saw the revocation', async () => (await b.contexts.open(id).view()).members.some((m) => m.devices.some((d) => d.revoked)));

    const late = await a1.contexts.open(id).write({ method: 'set', args: { key: 'late', value: 1 } });
    await until('B refuses the revoked device’s write', async () =>
      (await b.contexts.open(id).view()).invalidOps.some((o) => o.key === late.key && o.reason === 'revoked-key') ||
      (await b.contexts.open(id).view()).rejected.some((r) => r.key === late.key) ||
      // B no longer admits the revoked device at all: what it sends is ignored unread, and said so.
      (await b.contexts.open(id).view()).rejected.some((r) => r.reason === 'not-admitted'),
    );
    expect((await b.contexts.open(id).view()).kv.map(([k]) => k)).not.toContain('late');
    expect((await a2.devices.list()).find((d) => d.key === firstKey)?.revoked).toBe(true);
  });

  test('rotating a key introduces the new key everywhere and revokes the old one', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const wallet = ethereumWallet();
    const a = await bareNode(hub, 'A');
    await a.identity.loginWithWallet(wallet, 'Laptop');
    const b = await testNode(hub, 'B');
    nodes.push(b);
    const id = await a.contexts.create('Shared');
    await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
    await until('B joined', async () => !(await b.contexts.open(id).view()).joining);

    const { oldKey, newKey } = await a.devices.rotate({ wallet });
    expect(newKey).not.toBe(oldKey);
    expect((await a.identity.status()).device.publicKey).toBe(newKey);
    expect(await a.contexts.open(id).write({ method: 'set', args: { key: 'after-rotation', value: 1 } })).toMatchObject({ valid: true });
    await until('B has the write by the new key', async () => (await b.contexts.open(id).view()).kv.some(([k]) => k === 'after-rotation'));
    const devices = await a.devices.list();
    expect(devices.find((d) => d.key === oldKey)?.revoked).toBe(true);
    expect(devices.find((d) => d.key === newKey)).toMatchObject({ thisDevice: true, revoked: false });
  });

  test('renewing re-delegates this device and every context learns the new expiry', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const wallet = ethereumWallet();
    const a = await bareNode(hub, 'A');
    await a.identity.loginWithWallet(wallet, 'Laptop');
    const id = await a.contexts.create('Shared');
    const before = (await a.devices.list())[0]!;
    await new Promise((r) => setTimeout(r, 20));
    await expect(a.devices.renew()).rejects.toThrow(/connect the wallet/);
    await a.devices.renew({ wallet });
    await until('the context knows the renewed delegation', async () => {
      const known = (await a.contexts.devicesOf((await a.identity.status()).root!.id)).find((d) => d.context === id);
      return known && known.expiresAt > before.expiresAt;
    });
    const after = (await a.devices.list())[0]!;
    expect(after).toMatchObject({ key: before.key, thisDevice: true, revoked: false });
    expect(after.expiresAt).toBeGreaterThan(before.expiresAt);
    expect(await a.contexts.open(id).write({ method: 'set', args: { key: 'still-writing', value: 1 } })).toMatchObject({ valid: true });
  });

  test('a revocation reaches contexts that never saw the key, and contexts made later', async () => {
    const wallet = ethereumWallet();
    const a = await bareNode(memoryMeshHub(realTimeScheduler), 'A');
    await a.identity.loginWithWallet(wallet, 'Laptop');
    // The lost device lives elsewhere: no context here has seen its key.
    const lost = await bareNode(memoryMeshHub(realTimeScheduler), 'lost');
    await lost.identity.loginWithWallet(wallet, 'Lost phone');
    const lostKey = (await lost.identity.status()).device.publicKey;
    const lostHex = toHex(fromBase58(lostKey));

    const before = await a.contexts.create('Before');
    expect(await a.devices.revoke(lostKey, { wallet })).toEqual({ contexts: 1, refused: [] });
    const after = await a.contexts.create('After');
    await until('both contexts hold the revocation', async () => {
      const holdings = await a.contexts.holdings();
      return [before, after].every((id) => holdings.find((h) => h.id === id)?.revokedKeys.has(lostHex));
    });
  });

  test('another tab of the same profile follows a rotation: it signs with the new key', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const wallet = ethereumWallet();
    const profile = memoryStore();
    const tab1 = await bareTestNode(hub, 'A-tab1', { store: profile });
    const tab2 = await bareTestNode(hub, 'A-tab2', { store: profile });
    nodes.push(tab1, tab2);
    await tab1.identity.loginWithWallet(wallet, 'Laptop');
    const b = await testNode(hub, 'B');
    nodes.push(b);
    const id = await tab1.contexts.create('Shared');
    await b.contexts.join(await tab1.contexts.open(id).invite({ role: 'writer' }));
    await until('B joined', async () => !(await b.contexts.open(id).view()).joining);
    // Tab 2 has the context open, signing with the key of the time.
    expect(await tab2.contexts.open(id).write({ method: 'set', args: { key: 'before', value: 1 } })).toMatchObject({ valid: true });

    const { newKey } = await tab1.devices.rotate({ wallet });
    await until('tab 2 reopened its contexts with the new key', async () => (await tab2.contexts.open(id).view().catch(() => undefined))?.joining === false);
    const fromTab2 = await tab2.contexts.open(id).write({ method: 'set', args: { key: 'from-tab-2', value: 1 } });
    expect(fromTab2).toMatchObject({ valid: true });
    await until('B accepts tab 2’s write', async () => (await b.contexts.open(id).view()).kv.some(([k]) => k === 'from-tab-2'));
    const author = (await b.contexts.open(id).audit()).find((e) => e.key === fromTab2.key);
    expect(author).toMatchObject({ valid: true, device: 'Laptop' });
    expect((await tab2.identity.status()).device.publicKey).toBe(newKey);
  });
});
