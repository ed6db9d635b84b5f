import { afterEach, describe, expect, test } from 'vitest';
import { installInjectedEthereumWalletInPage } from '../../e2e/wallets/injectedEthereum.ts';
import { WalletRejectedError, WalletUnavailableError } from './connector.ts';
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
