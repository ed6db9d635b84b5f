import { describe, expect, test } from 'vitest';
import { fromBase64url, toBase64url } from '../core/codec/index.ts';
import { delegationCodec, RootConflictError } from '../core/index.ts';
import { memoryStore } from '../core/store/index.ts';
import { generateDeviceKey, importRootSeed, signerFor } from '../adapters/webcrypto/keys.ts';
import { createNode } from './createNode.ts';
import { memoryMeshHub } from './contexts/memoryMesh.ts';
import { createInlineRuntime } from '../runtime/index.ts';
import { realTimeScheduler } from './scheduler.ts';
import { simScheduler } from '../core/mesh/simScheduler.ts';
import { SettingsError, type ChainPreset } from './settings.ts';

const DAY = 86_400_000;

function testNode(clock = { now: Date.UTC(2026, 10, 24) }, chainPreset?: ChainPreset) {
  return createNode({
    ...(chainPreset ? { chainPreset: async () => chainPreset } : {}),
    store: memoryStore(),
    origin: 'http://127.0.0.1:8080',
    mesh: memoryMeshHub(realTimeScheduler).port('test'),
    scheduler: realTimeScheduler,
    runtime: () => createInlineRuntime(),
    platform: {
      now: () => clock.now,
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
      generateDeviceKey,
      importRootSeed,
      signerFor,
    },
  });
}

describe('node identity', () => {
  test('a new node has a device key and no root', async () => {
    const node = await testNode();
    const status = await node.identity.status();
    expect(status.device.publicKey).toMatch(/^[1-9A-HJ-NP-Za-km-z]{40,44}$/);
    expect(status.device.nonExtractable).toBe(true);
    expect(status.root).toBeUndefined();
    expect(status.delegation).toBeUndefined();
  });

  test('a phrase creates a root that delegates the device; the same phrase elsewhere gives the same root', async () => {
    const a = await testNode();
    const phrase = a.identity.newPhrase();
    const status = await a.identity.useLocalRoot(phrase, 'Laptop');
    expect(status.root?.kind).toBe('local');
    expect(status.delegation).toMatchObject({ label: 'Laptop', valid: true, daysLeft: 90 });

    const b = await testNode();
    const restored = await b.identity.useLocalRoot(phrase, 'Phone');
    expect(restored.root?.id).toBe(status.root?.id);
    expect(restored.device.publicKey).not.toBe(status.device.publicKey);
  });

  test('another phrase is refused while a root is set; signing out allows it', async () => {
    const node = await testNode();
    await node.identity.useLocalRoot(node.identity.newPhrase(), 'x');
    const other = node.identity.newPhrase();
    await expect(node.identity.useLocalRoot(other, 'x')).rejects.toThrow(RootConflictError);
    await node.identity.signOut();
    expect((await node.identity.status()).root).toBeUndefined();
    expect((await node.identity.useLocalRoot(other, 'x')).root).toBeDefined();
  });

  test('an exported delegation checks out; tampered or undecodable ones say why', async () => {
    const clock = { now: Date.UTC(2026, 10, 24) };
    const node = await testNode(clock);
    await node.identity.useLocalRoot(node.identity.newPhrase(), 'Laptop');
    const exported = (await node.identity.exportDelegation())!;
    expect(await node.identity.checkDelegation(exported)).toMatchObject({ ok: true, label: 'Laptop' });

    const d = delegationCodec.decode(fromBase64url(exported));
    const tampered = toBase64url(delegationCodec.encode({ ...d, claims: { ...d.claims, label: 'Evil' } }));
    expect(await node.identity.checkDelegation(tampered)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(await node.identity.checkDelegation('not base64!')).toMatchObject({ ok: false, reason: 'undecodable' });
    expect(await node.identity.checkDelegation(exported.slice(0, -4))).toMatchObject({ ok: false, reason: 'undecodable' });

    expect((await node.identity.status()).delegation).toMatchObject({ valid: true, expiringSoon: false });
    clock.now += 80 * DAY; // ten days left: time to warn
    expect((await node.identity.status()).delegation).toMatchObject({ valid: true, expiringSoon: true, daysLeft: 10 });
    clock.now += 11 * DAY;
    expect(await node.identity.checkDelegation(exported)).toMatchObject({ ok: false, reason: 'expired' });
    const expired = (await node.identity.status()).delegation!;
    expect(expired).toMatchObject({ valid: false, expiringSoon: false, daysLeft: -1 });
    // Its owner is told what to do in a sentence; the checker's code and times are the detail.
    expect(expired.problem).toBe("This device's delegation has expired. Renew it below, or sign in again.");
    expect(expired.problemDetail).toMatch(/^expired: the delegation expired at \d{4}-/);
  });
});

describe('node settings', () => {
  test('the chain the serving site offers is the default: anchoring and contract-account checks use it', async () => {
    const node = await testNode(undefined, { kind: 'local', chainId: 31337, registry: '0x5fbdb2315678afecb367f032d93f642f64180aa3', rpcPath: '/chain', faucet: true, relay: true });
    const s = await node.settings.get();
    expect(s.chain).toEqual({ rpcUrl: 'http://127.0.0.1:8080/chain', chainId: 31337, registry: '0x5fbdb2315678afecb367f032d93f642f64180aa3', confirmations: 0 });
    expect(s.rpc.ethereum).toBe('http://127.0.0.1:8080/chain');
    // Someone who set no chain keeps none after a reset too; the preset comes back.
    await node.settings.update({ ...s, chain: { rpcUrl: '', chainId: 0, registry: '', confirmations: 0 } });
    expect((await node.settings.get()).chain.rpcUrl).toBe('');
    expect((await node.settings.reset()).chain.chainId).toBe(31337);
    const remote = await testNode(undefined, { kind: 'remote', chainId: 8453, registry: '0x5fbdb2315678afecb367f032d93f642f64180aa3', rpcPath: '/chain', faucet: false, relay: false });
    expect((await remote.settings.get()).chain.confirmations).toBe(3);
  });

  test('default to the own origin, validate, and reset', async () => {
    const node = await testNode();
    const defaults = await node.settings.get();
    expect(defaults).toEqual({
      signalingUrls: ['ws://127.0.0.1:8080/signal'],
      iceServers: [],
      iceTransportPolicy: 'all',
      maxConns: 20,
      walletConnect: { projectId: '', relayUrl: 'wss://relay.walletconnect.org' },
      rpc: { ethereum: '', starknet: '' },
      chain: { rpcUrl: '', chainId: 0, registry: '', confirmations: 0 },
    });
    const next = {
      signalingUrls: ['wss://signal.example/'],
      iceServers: [{ urls: ['stun:stun.example:3478'] }],
      iceTransportPolicy: 'all' as const,
      maxConns: 2,
      walletConnect: { projectId: 'abc123', relayUrl: 'ws://127.0.0.1:9/' },
      rpc: { ethereum: 'http://127.0.0.1:8545', starknet: '' },
      chain: { rpcUrl: 'http://127.0.0.1:8545', chainId: 31337, registry: '0x5fbdb2315678afecb367f032d93f642f64180aa3', confirmations: 0 },
    };
    expect(await node.settings.update(next)).toEqual(next);
    expect(await node.settings.get()).toEqual(next);
    await expect(node.settings.update({ ...next, signalingUrls: ['http://x'] })).rejects.toThrow(SettingsError);
    await expect(node.settings.update({ ...next, signalingUrls: [] })).rejects.toThrow(/at least one/);
    await expect(node.settings.update({ ...next, iceServers: [{ urls: ['ws://x'] }] })).rejects.toThrow(/stun/);
    await expect(node.settings.update({ ...next, walletConnect: { projectId: 'a b', relayUrl: 'wss://r' } })).rejects.toThrow(/project id/);
    await expect(node.settings.update({ ...next, rpc: { ethereum: 'ftp://x', starknet: '' } })).rejects.toThrow(/Ethereum RPC/);
    await expect(node.settings.update({ ...next, rpc: { ethereum: '', starknet: 'http://rpc.example' } })).rejects.toThrow(/https/);
    await expect(node.settings.update({ ...next, chain: { ...next.chain, registry: '0x12' } })).rejects.toThrow(/registry address/);
    await expect(node.settings.update({ ...next, chain: { ...next.chain, chainId: 0 } })).rejects.toThrow(/chain id/);
    await expect(node.settings.update({ ...next, chain: { ...next.chain, confirmations: 100 } })).rejects.toThrow(/confirmations/);
    expect((await node.settings.update({ ...next, chain: { rpcUrl: '', chainId: 5, registry: 'x', confirmations: 1 } })).chain.rpcUrl).toBe('');
    await expect(node.settings.update({ ...next, maxConns: 1 })).rejects.toThrow(/from 2 to 64/);
    await expect(node.settings.update({ ...next, maxConns: 2.5 })).rejects.toThrow(/whole number/);
    await expect(node.settings.update({ ...next, iceTransportPolicy: 'relay' })).rejects.toThrow(/needs a TURN server/);
    const relayed = { ...next, iceServers: [{ urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'p' }], iceTransportPolicy: 'relay' as const };
    expect(await node.settings.update(relayed)).toEqual(relayed);
    expect((await node.settings.reset()).signalingUrls).toEqual(['ws://127.0.0.1:8080/signal']);
  });
});

describe('node alerts', () => {
  test('alert passes read who signs once per identity change, and see the delegation a new login made', async () => {
    const base = memoryStore();
    let deviceReads = 0;
    const store = { ...base, deviceKey: () => (deviceReads++, base.deviceKey()) };
    const clock = { now: Date.UTC(2026, 10, 24) };
    const node = await createNode({
      store,
      origin: 'http://127.0.0.1:8080',
      mesh: memoryMeshHub(realTimeScheduler).port('test'),
      scheduler: realTimeScheduler,
      runtime: () => createInlineRuntime(),
      platform: { now: () => clock.now, randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)), generateDeviceKey, importRootSeed, signerFor },
    });
    await node.identity.useLocalRoot(node.identity.newPhrase(), 'Laptop');
    await node.alerts.refresh();
    const settled = deviceReads;
    for (let i = 0; i < 5; i++) await node.alerts.refresh();
    expect(deviceReads).toBe(settled);
    // 85 days on, another login delegates the device anew (90 days from now); 85 more days
    // on, that delegation has 5 days left, where the first one would have ended.
    clock.now += 85 * DAY;
    await node.identity.signOut();
    await node.identity.useLocalRoot(node.identity.newPhrase(), 'Laptop');
    clock.now += 85 * DAY;
    await node.alerts.refresh();
    const alerts = await node.alerts.list();
    expect(alerts.map((a) => a.message)).toEqual([expect.stringMatching(/ends in 5 days/)]);
    await node.close();
  });
});

describe('closing a node', () => {
  test('a closed node leaves nothing scheduled (a Node script that closes its node exits)', async () => {
    const scheduler = simScheduler(Date.UTC(2026, 10, 24));
    const node = await createNode({
      store: memoryStore(),
      origin: 'http://127.0.0.1:8080',
      mesh: memoryMeshHub(realTimeScheduler).port('test'),
      scheduler,
      runtime: () => createInlineRuntime(),
      platform: { now: scheduler.now, randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)), generateDeviceKey, importRootSeed, signerFor },
    });
    await node.identity.useLocalRoot(node.identity.newPhrase(), 'Laptop');
    const id = await node.contexts.create('notes');
    await node.contexts.open(id).write({ method: 'set', args: { key: 'a', value: 1 } });
    expect(scheduler.pending()).toBeGreaterThan(0);
    await node.close();
    expect(scheduler.pending()).toBe(0);
  });
});
