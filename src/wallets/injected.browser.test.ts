import { afterEach, describe, expect, inject, test } from 'vitest';
import { createPublicClient, http } from 'viem';
import { fundAccount } from '../../e2e/wallets/fundAccount.ts';
import { installInjectedEthereumWalletInPage } from '../../e2e/wallets/injectedEthereum.ts';
import { WalletChainError, WalletRejectedError, WalletUnavailableError } from './connector.ts';
import type { EthereumWalletAccount } from './connector.ts';
import { runWalletConnectorContract } from './connectorContract.ts';
import { discoverInjectedWallets, injectedConnector } from './injected.ts';

// Real Chromium: the double announces itself by EIP-6963 in this page and signs here with a
// random secp256k1 key (the e2e variant signs in Node; both share the wallet code).
runWalletConnectorContract('injected EIP-1193 (EIP-6963)', async () => {
  const wallet = installInjectedEthereumWalletInPage({ chainId: 31337 });
  const connector = (await discoverInjectedWallets(window, 20)).find((c) => c.info.id === 'eip6963:org.tabnode.testwallet');
  if (!connector) throw new Error('the test wallet did not announce itself');
  return {
    connector,
    expected: { address: wallet.address, chainId: 31337 },
    reject: () => wallet.setReject(true),
    prompts: () => wallet.prompts,
    revokesOnDisconnect: true,
    teardown: () => wallet.uninstall(),
  };
});

// The same wallet on a real chain (Hardhat's node, started by the browser project's global
// set-up): its fresh key is funded, then it signs and sends transactions from this page.
const RPC = inject('hardhatRpcUrl');
runWalletConnectorContract('injected EIP-1193 (EIP-6963) on a local chain', async () => {
  const wallet = installInjectedEthereumWalletInPage({ chainId: 31337, rpcUrl: RPC });
  await fundAccount(RPC, wallet.address);
  const connector = (await discoverInjectedWallets(window, 20)).find((c) => c.info.id === 'eip6963:org.tabnode.testwallet');
  if (!connector) throw new Error('the test wallet did not announce itself');
  return {
    connector,
    expected: { address: wallet.address, chainId: 31337 },
    reject: () => wallet.setReject(true),
    prompts: () => wallet.prompts,
    chain: { rpcUrl: RPC, chainId: 31337 },
    teardown: () => wallet.uninstall(),
  };
});

runWalletConnectorContract('injected EIP-1193 (legacy window.ethereum)', async () => {
  const wallet = installInjectedEthereumWalletInPage({ chainId: 1, eip6963: false, legacyGlobal: true });
  const [connector, ...others] = await discoverInjectedWallets(window, 20);
  if (!connector || others.length > 0) throw new Error('expected exactly the legacy wallet');
  return {
    connector,
    expected: { address: wallet.address, chainId: 1 },
    reject: () => wallet.setReject(true),
    prompts: () => wallet.prompts,
    teardown: () => wallet.uninstall(),
  };
});

describe('discoverInjectedWallets', () => {
  const uninstall: (() => void)[] = [];
  afterEach(() => {
    for (const u of uninstall.splice(0)) u();
  });

  test('lists each announced wallet once, with its name and icon', async () => {
    const a = installInjectedEthereumWalletInPage({ chainId: 1, name: 'Wallet A', rdns: 'org.example.a' });
    const b = installInjectedEthereumWalletInPage({ chainId: 1, name: 'Wallet B', rdns: 'org.example.b' });
    // The same rdns under another uuid, and the same uuid under another rdns: both duplicates.
    const sameRdns = installInjectedEthereumWalletInPage({ chainId: 1, name: 'A again', rdns: 'org.example.a', uuid: 'other-uuid' });
    const sameUuid = installInjectedEthereumWalletInPage({ chainId: 1, name: 'B again', rdns: 'org.example.c', uuid: '00000000-0000-4000-8000-000000000001' });
    const original = installInjectedEthereumWalletInPage({ chainId: 1, name: 'Original', rdns: 'org.example.d', uuid: '00000000-0000-4000-8000-000000000001' });
    uninstall.push(a.uninstall, b.uninstall, sameRdns.uninstall, sameUuid.uninstall, original.uninstall);

    const listed = await discoverInjectedWallets(window, 20);
    expect(listed.map((c) => c.info)).toEqual([
      { id: 'eip6963:org.example.a', name: 'Wallet A', icon: expect.stringMatching(/^data:image\/svg\+xml,/), via: 'injected', kind: 'ethereum' },
      { id: 'eip6963:org.example.b', name: 'Wallet B', icon: expect.stringMatching(/^data:image\//), via: 'injected', kind: 'ethereum' },
      { id: 'eip6963:org.example.c', name: 'B again', icon: expect.stringMatching(/^data:image\//), via: 'injected', kind: 'ethereum' },
    ]);
  });

  test('waits for wallets that announce late, and drops icons that are not data: images', async () => {
    const provider = { request: async () => null };
    const late = (): void => {
      setTimeout(() => {
        for (const [n, icon] of ['javascript:alert(1)', 'https://wallet.example/icon.png'].entries()) {
          window.dispatchEvent(
            new CustomEvent('eip6963:announceProvider', {
              detail: { info: { uuid: `late-${n}`, name: `Late ${n}`, icon, rdns: `org.example.late${n}` }, provider },
            }),
          );
        }
      }, 30);
    };
    window.addEventListener('eip6963:requestProvider', late);
    uninstall.push(() => window.removeEventListener('eip6963:requestProvider', late));
    const listed = await discoverInjectedWallets(window, 150);
    expect(listed.map((c) => c.info)).toEqual([
      { id: 'eip6963:org.example.late0', name: 'Late 0', icon: undefined, via: 'injected', kind: 'ethereum' },
      { id: 'eip6963:org.example.late1', name: 'Late 1', icon: undefined, via: 'injected', kind: 'ethereum' },
    ]);
  });

  test('prefers announced wallets over window.ethereum, and lists nothing when there is neither', async () => {
    expect(await discoverInjectedWallets(window, 10)).toEqual([]);
    const both = installInjectedEthereumWalletInPage({ chainId: 1, legacyGlobal: true });
    uninstall.push(both.uninstall);
    expect((await discoverInjectedWallets(window, 10)).map((c) => c.info.id)).toEqual(['eip6963:org.tabnode.testwallet']);
  });
});

describe('injectedConnector', () => {
  const info = { id: 'eip6963:org.example.fake', name: 'Fake', via: 'injected', kind: 'ethereum' } as const;
  const address = '0x52908400098527886E0F7030069857D2E4169EE7'; // EIP-55 test vector

  /** A provider answering from a table; each answer is a value or an error to throw. */
  function fake(answers: Record<string, unknown>) {
    const calls: { method: string; params?: unknown }[] = [];
    return {
      calls,
      request: async (args: { method: string; params?: unknown }) => {
        calls.push(args);
        const answer = answers[args.method];
        if (answer instanceof Error) throw answer;
        if (answer === undefined) throw Object.assign(new Error(`unsupported ${args.method}`), { code: 4200 });
        return answer;
      },
    };
  }
  const error = (code: number, message: string) => Object.assign(new Error(message), { code });

  test('personal_sign gets the UTF-8 bytes as 0x-hex and the checksummed address', async () => {
    const provider = fake({ eth_requestAccounts: [address.toLowerCase()], eth_chainId: '0xaa36a7', personal_sign: '0xabcd' });
    const account = (await injectedConnector(info, provider).connect()) as EthereumWalletAccount;
    expect(account).toMatchObject({ kind: 'ethereum', address, chainId: 11155111 });
    expect(await account.signMessage({ message: 'é\n✓' })).toBe('0xabcd');
    expect(provider.calls.at(-1)).toEqual({ method: 'personal_sign', params: ['0xc3a90ae29c93', address] });
    await account.signMessage({ message: '' });
    expect(provider.calls.at(-1)).toEqual({ method: 'personal_sign', params: ['0x', address] });
  });

  test('maps 4001 to WalletRejectedError and other codes to WalletUnavailableError with the wallet message', async () => {
    const declined = fake({ eth_requestAccounts: error(4001, 'User denied account access') });
    const rejection = await injectedConnector(info, declined).connect().catch((e: unknown) => e);
    expect(rejection).toBeInstanceOf(WalletRejectedError);
    expect(String(rejection)).toContain('User denied account access');

    const pending = fake({ eth_requestAccounts: error(-32002, 'Already processing eth_requestAccounts') });
    const busy = await injectedConnector(info, pending).connect().catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(WalletUnavailableError);
    expect(String(busy)).toMatch(/open the wallet.*Already processing/);

    const broken = fake({ eth_requestAccounts: [address], eth_chainId: error(-32603, 'Internal JSON-RPC error') });
    const failure = await injectedConnector(info, broken).connect().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WalletUnavailableError);
    expect(String(failure)).toContain('Fake failed eth_chainId: Internal JSON-RPC error');
  });

  test('eth_sendTransaction and eth_signTypedData_v4 params: hex quantities, [address, JSON string]', async () => {
    const hash = `0x${'cd'.repeat(32)}`;
    const provider = fake({ eth_requestAccounts: [address], eth_chainId: '0x7a69', eth_sendTransaction: hash, eth_signTypedData_v4: '0xabcd' });
    const account = (await injectedConnector(info, provider).connect()) as EthereumWalletAccount;
    expect(await account.sendTransaction({ to: address, data: '0x01', value: 2n ** 64n, chainId: 31337 })).toBe(hash);
    expect(provider.calls.at(-1)).toEqual({
      method: 'eth_sendTransaction',
      params: [{ from: address, to: address, data: '0x01', value: '0x10000000000000000', chainId: '0x7a69' }],
    });
    await account.signTypedData({ domain: { name: 'T' }, types: { M: [{ name: 'n', type: 'uint256' }] }, primaryType: 'M', message: { n: 3n } });
    const [signer, json] = provider.calls.at(-1)!.params as [string, string];
    expect(signer).toBe(address);
    expect(JSON.parse(json)).toEqual({ domain: { name: 'T' }, types: { EIP712Domain: [{ name: 'name', type: 'string' }], M: [{ name: 'n', type: 'uint256' }] }, primaryType: 'M', message: { n: '3' } });
    await expect(account.sendTransaction({ to: '0x12', data: '0x', chainId: 31337 })).rejects.toThrow(TypeError);
  });

  test('answers that are not a hash or a signature are WalletUnavailableError', async () => {
    const provider = fake({ eth_requestAccounts: [address], eth_chainId: '0x1', eth_sendTransaction: true, eth_signTypedData_v4: null });
    const account = (await injectedConnector(info, provider).connect()) as EthereumWalletAccount;
    await expect(account.sendTransaction({ to: address, data: '0x', chainId: 1 })).rejects.toThrow(new WalletUnavailableError('Fake answered eth_sendTransaction with true, not a transaction hash'));
    await expect(account.signTypedData({ domain: {}, types: { M: [] }, primaryType: 'M', message: {} })).rejects.toThrow(/answered eth_signTypedData_v4 with no signature/);
  });

  test('refuses a wallet that gives no account', async () => {
    const empty = fake({ eth_requestAccounts: [], eth_chainId: '0x1' });
    await expect(injectedConnector(info, empty).connect()).rejects.toThrow(/gave no account: unlock it/);
  });

  test('disconnect revokes where supported and just forgets where not', async () => {
    const revoking = fake({ eth_requestAccounts: [address], eth_chainId: '0x1', wallet_revokePermissions: null });
    const connector = injectedConnector(info, revoking);
    await connector.connect();
    await connector.disconnect();
    expect(revoking.calls.at(-1)).toEqual({ method: 'wallet_revokePermissions', params: [{ eth_accounts: {} }] });

    const old = fake({ eth_requestAccounts: [address], eth_chainId: '0x1', personal_sign: '0x00' });
    const legacy = injectedConnector(info, old);
    const account = (await legacy.connect()) as EthereumWalletAccount;
    await legacy.disconnect(); // the wallet answers 4200: still resolves
    await expect(account.signMessage({ message: 'x' })).rejects.toThrow(/disconnected: connect it again/);
  });
});

describe('injected: getting the wallet onto the transaction chain', () => {
  const HARDHAT = { chainName: 'Hardhat', rpcUrls: [RPC], nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 } };
  const uninstall: (() => void)[] = [];
  let installed = 0;
  afterEach(() => {
    for (const u of uninstall.splice(0)) u();
  });

  /** A wallet on chain 1 (no RPC there), funded on the local chain, and its connected account. */
  async function onMainnet(options: Parameters<typeof installInjectedEthereumWalletInPage>[0] = { chainId: 1 }) {
    const rdns = `org.tabnode.chains${++installed}`; // one wallet per connector, even with several in a test
    const wallet = installInjectedEthereumWalletInPage({ rdns, ...options });
    uninstall.push(wallet.uninstall);
    await fundAccount(RPC, wallet.address);
    const connector = (await discoverInjectedWallets(window, 20)).find((c) => c.info.id === `eip6963:${rdns}`)!;
    const account = (await connector.connect()) as EthereumWalletAccount;
    wallet.requests.length = 0;
    return { wallet, account };
  }
  const tx = { to: `0x${'ab'.repeat(20)}` as const, data: '0xc0ffee' as const, value: 1n, chainId: 31337 };

  test('unknown chain (4902): adds it with the given params, switches, then sends; the tx is mined', async () => {
    const { wallet, account } = await onMainnet();
    const hash = await account.sendTransaction(tx, HARDHAT);
    expect(wallet.requests).toEqual(['eth_chainId', 'wallet_switchEthereumChain', 'wallet_addEthereumChain', 'eth_chainId', 'eth_chainId', 'eth_sendTransaction']);
    expect(wallet.chainId).toBe(31337);
    const receipt = await createPublicClient({ transport: http(RPC) }).waitForTransactionReceipt({ hash, pollingInterval: 50 });
    expect(receipt.from.toLowerCase()).toBe(account.address.toLowerCase());
  });

  test('a chain the wallet knows: one switch, no add', async () => {
    const { wallet, account } = await onMainnet({ chainId: 1, knownChains: { 31337: RPC } });
    await account.sendTransaction(tx);
    expect(wallet.requests).toEqual(['eth_chainId', 'wallet_switchEthereumChain', 'eth_chainId', 'eth_sendTransaction']);
  });

  test('unknown chain without params, a wallet that cannot add or switch: WalletChainError saying what to do', async () => {
    const unknown = await onMainnet();
    const noParams = await unknown.account.sendTransaction(tx).catch((e: unknown) => e);
    expect(noParams).toBeInstanceOf(WalletChainError);
    expect(noParams).toMatchObject({ chainId: 31337, message: expect.stringMatching(/does not know chain 31337: add that network/) });
    expect(unknown.wallet.chainId).toBe(1);

    const noAdd = await onMainnet({ chainId: 1, addChains: false });
    await expect(noAdd.account.sendTransaction(tx, HARDHAT)).rejects.toThrow(/could not add chain 31337 \(Hardhat, http:\/\/127\.0\.0\.1:\d+\)/);

    const noSwitch = await onMainnet({ chainId: 1, switchChains: false });
    const refused = await noSwitch.account.sendTransaction(tx, HARDHAT).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WalletChainError);
    expect(String(refused)).toMatch(/will not switch to chain 31337 .*switch it to that network yourself/);
    expect(noSwitch.wallet.requests).not.toContain('eth_sendTransaction');
  });

  test('the user declining the switch is WalletRejectedError', async () => {
    const { wallet, account } = await onMainnet({ chainId: 1, knownChains: { 31337: RPC } });
    wallet.setReject(true);
    await expect(account.sendTransaction(tx)).rejects.toBeInstanceOf(WalletRejectedError);
    expect(wallet.chainId).toBe(1);
  });

  test("typed data for another chain's domain switches the wallet there first (wallets refuse a mismatch)", async () => {
    const { wallet, account } = await onMainnet({ chainId: 1, knownChains: { 31337: '' } });
    const data = { domain: { name: 'T', chainId: 31337 }, types: { M: [{ name: 'n', type: 'uint256' }] }, primaryType: 'M', message: { n: 5n } };
    await expect(account.signTypedData(data)).resolves.toMatch(/^0x[0-9a-f]{130}$/);
    expect(wallet.requests).toEqual(['eth_chainId', 'wallet_switchEthereumChain', 'eth_chainId', 'eth_signTypedData_v4']);
  });

  test('without an RPC the wallet cannot send: WalletUnavailableError says it does not support it', async () => {
    const { account } = await onMainnet({ chainId: 1, knownChains: { 31337: '' } });
    await expect(account.sendTransaction(tx)).rejects.toThrow(/Test Wallet does not support eth_sendTransaction \(.*no RPC URL there\): use a wallet that does/);
  });
});
