/*
 * The WalletConnect connector in Node (the SDK runs there with in-memory storage), paired
 * through the local relay with a wallet double that signs with a real key: the whole
 * protocol, encryption and all. The same connector in a real Chromium page, with
 * restore-after-reload, is e2e/wallets/walletConnect.e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { recoverMessageAddress } from 'viem';
import { generatePrivateKey } from 'viem/accounts';
import { startHardhatNode, HARDHAT_CHAIN_ID } from '../adapters/chain/hardhatNode.ts';
import type { HardhatNode } from '../adapters/chain/hardhatNode.ts';
import { fundAccount } from '../../e2e/wallets/fundAccount.ts';
import { startRelay } from '../../e2e/wallets/relay.ts';
import type { Relay } from '../../e2e/wallets/relay.ts';
import { personalSignText, startWalletConnectWallet } from '../../e2e/wallets/walletConnectWallet.ts';
import type { WalletConnectWallet } from '../../e2e/wallets/walletConnectWallet.ts';
import type { EthereumWalletAccount } from './connector.ts';
import { WalletChainError, WalletRejectedError, WalletUnavailableError } from './connector.ts';
import { runWalletConnectorContract } from './connectorContract.ts';
import { walletConnectConnector } from './walletConnect.ts';
import type { WalletConnectSettings } from './walletConnect.ts';
import { toWalletError } from './walletConnect/errors.ts';
import { latestSession, sessionAccount } from './walletConnect/session.ts';

const KEY = `0x${'42'.repeat(32)}` as const;

let relay: Relay;
let chain: HardhatNode;
const wallets: WalletConnectWallet[] = [];
let fixtures = 0;

beforeAll(async () => {
  [relay, chain] = await Promise.all([startRelay(), startHardhatNode()]);
}, 60_000);
afterAll(async () => {
  await Promise.all(wallets.map((w) => w.close()));
  await relay?.close();
  await chain?.stop();
});

/** A wallet double and connector settings of their own: a fresh project id is a fresh client. */
async function pair(chainId = 1): Promise<{ wallet: WalletConnectWallet; settings: WalletConnectSettings; pairWith: { onPairingUri(uri: string): void } }> {
  const wallet = await startWalletConnectWallet({ relayUrl: relay.url, privateKey: KEY, chainId });
  wallets.push(wallet);
  const settings = { projectId: `node-test-${++fixtures}`, relayUrl: relay.url };
  return { wallet, settings, pairWith: { onPairingUri: (uri) => void wallet.pair(uri) } };
}

runWalletConnectorContract('WalletConnect in Node, through the local relay', async () => {
  const { wallet, settings, pairWith } = await pair();
  return {
    connector: walletConnectConnector(settings),
    expected: { address: wallet.address, chainId: 1 },
    reject: () => wallet.declineAll(),
    prompts: () => wallet.proposals.length,
    connectOptions: pairWith,
    teardown: () => wallet.close(),
  };
});

// The same wallet with a real chain behind it: transactions are signed by its fresh, funded
// key and mined by Hardhat's node.
runWalletConnectorContract('WalletConnect in Node, with a local chain', async () => {
  const wallet = await startWalletConnectWallet({ relayUrl: relay.url, privateKey: generatePrivateKey(), chainId: HARDHAT_CHAIN_ID, rpcUrl: chain.url });
  wallets.push(wallet);
  await fundAccount(chain.url, wallet.address);
  return {
    connector: walletConnectConnector({ projectId: `node-test-${++fixtures}`, relayUrl: relay.url, chainId: HARDHAT_CHAIN_ID }),
    expected: { address: wallet.address, chainId: HARDHAT_CHAIN_ID },
    reject: () => wallet.declineAll(),
    prompts: () => wallet.proposals.length,
    connectOptions: { onPairingUri: (uri) => void wallet.pair(uri) },
    chain: { rpcUrl: chain.url, chainId: HARDHAT_CHAIN_ID },
    teardown: () => wallet.close(),
  };
});

describe('WalletConnect connector (Node)', () => {
  test('personal_sign carries the UTF-8 message as hex and the address; the signature recovers', async () => {
    const { wallet, settings, pairWith } = await pair();
    const account = (await walletConnectConnector(settings).connect(pairWith)) as EthereumWalletAccount;
    const message = 'Tabnode ✓ délégation\nnonce: 1';
    const signature = await account.signMessage({ message });
    const request = wallet.requests.at(-1)!;
    expect(request.method).toBe('personal_sign');
    expect(request.chainId).toBe('eip155:1');
    expect(personalSignText(request)).toBe(message);
    expect((request.params as string[])[1]).toBe(account.address);
    expect(await recoverMessageAddress({ message, signature: signature as `0x${string}` })).toBe(wallet.address);
  });

  test('asks for the configured chain and takes the account the wallet approved there', async () => {
    const { wallet, settings, pairWith } = await pair(10);
    const account = await walletConnectConnector({ ...settings, chainId: 10 }).connect(pairWith);
    expect(wallet.proposals.at(-1)!.chains).toEqual(['eip155:10']);
    expect(account.chainId).toBe(10);
  });

  test('EIP-1193 4001 from the wallet is a rejection too; other errors are WalletUnavailableError', async () => {
    const { wallet, settings, pairWith } = await pair();
    const account = (await walletConnectConnector(settings).connect(pairWith)) as EthereumWalletAccount;
    wallet.rejectNextRequest({ code: 4001, message: 'User denied message signature' });
    await expect(account.signMessage({ message: 'a' })).rejects.toThrow(WalletRejectedError);
    wallet.rejectNextRequest({ code: 7777, message: 'wallet locked' });
    await expect(account.signMessage({ message: 'b' })).rejects.toThrow(new WalletUnavailableError('Tabnode Test Wallet could not sign: wallet locked'));
    await expect(account.signMessage({ message: 'c' })).resolves.toMatch(/^0x[0-9a-f]{130}$/);
  });

  test('a session the wallet ended refuses to sign, naming the wallet', async () => {
    const { wallet, settings, pairWith } = await pair();
    const connector = walletConnectConnector(settings);
    const account = (await connector.connect(pairWith)) as EthereumWalletAccount;
    await connector.disconnect();
    expect(wallet.sessionTopics()).toEqual([]);
    await expect(account.signMessage({ message: 'x' })).rejects.toThrow(/session with Tabnode Test Wallet has ended/);
    expect(await connector.restore!()).toBeUndefined();
  });

  test('restore finds the session without asking the wallet', async () => {
    const { wallet, settings, pairWith } = await pair();
    const first = await walletConnectConnector(settings).connect(pairWith);
    const restored = (await walletConnectConnector(settings).restore!()) as EthereumWalletAccount;
    expect(restored.address).toBe(first.address);
    expect(wallet.proposals).toHaveLength(1);
    const signature = await restored.signMessage({ message: 'again' });
    expect(await recoverMessageAddress({ message: 'again', signature: signature as `0x${string}` })).toBe(wallet.address);
  });

  test('missing or malformed settings say what to fix in Settings, before loading anything', async () => {
    const onPairingUri = () => undefined;
    await expect(walletConnectConnector({ projectId: ' ', relayUrl: relay.url }).connect({ onPairingUri })).rejects.toThrow(
      new WalletUnavailableError('WalletConnect has no project id: set the WalletConnect project id and relay URL in Settings'),
    );
    await expect(walletConnectConnector({ projectId: 'p', relayUrl: 'https://relay.example' }).connect({ onPairingUri })).rejects.toThrow(
      /relay URL "https:\/\/relay.example" is not a ws:\/\/ or wss:\/\/ URL: set the WalletConnect project id and relay URL in Settings/,
    );
    expect(await walletConnectConnector({ projectId: '', relayUrl: relay.url }).restore!()).toBeUndefined();
    await walletConnectConnector({ projectId: '', relayUrl: relay.url }).disconnect();
  });

  test('an unreachable relay is WalletUnavailableError pointing at Settings, within the relay timeout', async () => {
    const dead = await startRelay();
    await dead.close(); // a port nobody listens on any more
    const connector = walletConnectConnector({ projectId: 'dead-relay', relayUrl: dead.url, relayTimeoutMs: 2_000 });
    const started = Date.now();
    const error = await connector.connect({ onPairingUri: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalletUnavailableError);
    expect((error as Error).message).toMatch(/could not use the WalletConnect relay at ws:\/\/127\.0\.0\.1:\d+ .*check the relay URL and project id in Settings/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('eth_signTypedData_v4 gets [address, JSON with EIP712Domain and bigints as decimals] on the domain chain', async () => {
    const { wallet, settings, pairWith } = await pair();
    const account = (await walletConnectConnector(settings).connect(pairWith)) as EthereumWalletAccount;
    expect(wallet.proposals.at(-1)!.methods).toEqual(['personal_sign', 'eth_sendTransaction', 'eth_signTypedData_v4']);
    await account.signTypedData({
      domain: { name: 'T', chainId: 1 },
      types: { M: [{ name: 'n', type: 'uint256' }] },
      primaryType: 'M',
      message: { n: 2n ** 70n },
    });
    const request = wallet.requests.at(-1)!;
    expect(request).toMatchObject({ method: 'eth_signTypedData_v4', chainId: 'eip155:1', outcome: 'signed' });
    const [address, json] = request.params as [string, string];
    expect(address).toBe(account.address);
    expect(JSON.parse(json)).toEqual({
      domain: { name: 'T', chainId: 1 },
      types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }], M: [{ name: 'n', type: 'uint256' }] },
      primaryType: 'M',
      message: { n: (2n ** 70n).toString() },
    });
  });

  test('extra chains (the anchoring chain) are asked for too, after the login chain', async () => {
    const { wallet, settings, pairWith } = await pair();
    const account = await walletConnectConnector({ ...settings, extraChainIds: [31337, 1] }).connect(pairWith);
    expect(wallet.proposals.at(-1)!.chains).toEqual(['eip155:1', 'eip155:31337']);
    expect(account.chainId).toBe(1); // the wallet approved only its own chain
    await expect(walletConnectConnector({ ...settings, extraChainIds: [0] }).connect(pairWith)).rejects.toThrow(RangeError);
  });

  test('a transaction for a chain the session lacks is WalletChainError naming the fix; nothing reaches the wallet', async () => {
    const { wallet, settings, pairWith } = await pair();
    const account = (await walletConnectConnector(settings).connect(pairWith)) as EthereumWalletAccount;
    const asked = wallet.requests.length;
    const error = await account.sendTransaction({ to: `0x${'12'.repeat(20)}`, data: '0x', chainId: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalletChainError);
    expect(error).toMatchObject({ chainId: 10, message: expect.stringMatching(/approved this session for chain 1, not chain 10: set WalletConnect's chain to 10 in Settings/) });
    expect(wallet.requests).toHaveLength(asked);
  });

  test('a wallet that approved only personal_sign: anchoring calls say so; a wallet without an RPC answers 4200', async () => {
    const wallet = await startWalletConnectWallet({ relayUrl: relay.url, privateKey: KEY, methods: ['personal_sign'] });
    wallets.push(wallet);
    const account = (await walletConnectConnector({ projectId: `node-test-${++fixtures}`, relayUrl: relay.url }).connect({ onPairingUri: (uri) => void wallet.pair(uri) })) as EthereumWalletAccount;
    await expect(account.sendTransaction({ to: `0x${'12'.repeat(20)}`, data: '0x', chainId: 1 })).rejects.toThrow(
      new WalletUnavailableError('Tabnode Test Wallet did not approve eth_sendTransaction for this session: it may not support it; disconnect and connect again, or use another wallet'),
    );
    const { settings, pairWith } = await pair();
    const full = (await walletConnectConnector(settings).connect(pairWith)) as EthereumWalletAccount;
    await expect(full.sendTransaction({ to: `0x${'12'.repeat(20)}`, data: '0x', chainId: 1 })).rejects.toThrow(/could not send the transaction: Tabnode Test Wallet cannot send transactions: it has no RPC URL for eip155:1/);
  });

  test('connect without onPairingUri is a programming error', async () => {
    const { settings } = await pair();
    await expect(walletConnectConnector(settings).connect()).rejects.toThrow(TypeError);
  });
});

describe('helpers', () => {
  test('toWalletError: rejection codes, SDK relay failures, and the wallet’s other answers', () => {
    const map = (err: unknown) => toWalletError(err, 'W', 'ws://r', 'sign');
    for (const code of [4001, 5000, 5001, 5002, 5003]) expect(map({ code, message: 'no' })).toEqual(new WalletRejectedError('W', 'no'));
    expect(map(new Error('Failed to publish payload, please try again. id:1 tag:1108')).message).toMatch(/^could not use the WalletConnect relay at ws:\/\/r \(Failed to publish/);
    // A wallet's own error that happens to mention a relay word is still the wallet's.
    expect(map({ code: 7, message: 'cannot publish that' })).toEqual(new WalletUnavailableError('W could not sign: cannot publish that'));
    expect(map('weird')).toEqual(new WalletUnavailableError('W could not sign: weird'));
  });

  const session = (accounts: string[], expiry = 2_000) => ({ topic: `t${expiry}`, expiry, namespaces: { eip155: { accounts } }, peer: { metadata: { name: 'W' } } });

  test('sessionAccount prefers the asked chain, checksums, and skips malformed ids', () => {
    const lower = '0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a';
    expect(sessionAccount(session(['eip155:1:nope', `eip155:5:${lower}`, `eip155:10:${lower}`]), 10)).toEqual({
      address: '0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A',
      chainId: 10,
    });
    expect(sessionAccount(session([`eip155:5:${lower}`]), 1)?.chainId).toBe(5);
    expect(sessionAccount(session(['solana:1:abc']), 1)).toBeUndefined();
  });

  test('latestSession takes the live session expiring last', () => {
    const a = `eip155:1:0x${'11'.repeat(20)}`;
    const picked = latestSession([session([a], 1_500), session([a], 3_000), session([], 9_000), session([a], 900)], 1, 1_000);
    expect(picked?.expiry).toBe(3_000);
    expect(latestSession([session([a], 900)], 1, 1_000)).toBeUndefined();
  });
});
