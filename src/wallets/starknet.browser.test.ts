import { afterEach, describe, expect, test } from 'vitest';
import { hash } from 'starknet';
import {
  installInjectedStarknetWalletInPage,
  OZ_ACCOUNT_CLASS_HASH,
} from '../../e2e/wallets/injectedStarknet.ts';
import { installInjectedEthereumWalletInPage } from '../../e2e/wallets/injectedEthereum.ts';
import { WalletRejectedError, WalletUnavailableError } from './connector.ts';
import type { StarknetWalletAccount, WalletConnector } from './connector.ts';
import { runWalletConnectorContract } from './connectorContract.ts';
import { decodeChainId, discoverStarknetWallets, feltArray, isInjectedStarknetWallet, starknetConnector } from './starknet.ts';

// Real Chromium: the double is a get-starknet wallet object on window.starknet_tabnodetest,
// signing here with a random Stark key (the e2e variant signs in Node; both share the wallet code).
async function findConnector(id = 'tabnodetest'): Promise<WalletConnector> {
  const connector = (await discoverStarknetWallets(window)).find((c) => c.info.id === `starknet:${id}`);
  if (!connector) throw new Error(`window.starknet_${id} was not listed`);
  return connector;
}

runWalletConnectorContract('get-starknet injected wallet', async () => {
  const wallet = installInjectedStarknetWalletInPage();
  return {
    connector: await findConnector(),
    expected: { address: wallet.address, chainId: 'SN_SEPOLIA', publicKey: wallet.publicKey },
    reject: () => wallet.setReject(true),
    prompts: () => wallet.prompts,
    // Starknet wallets have no revoke: the site stays authorized after a disconnect.
    revokesOnDisconnect: false,
    teardown: () => wallet.uninstall(),
  };
});

describe('discoverStarknetWallets', () => {
  const uninstall: (() => void)[] = [];
  afterEach(() => {
    for (const u of uninstall.splice(0)) u();
  });

  test('lists injected wallets by name, with their icons', async () => {
    const b = installInjectedStarknetWalletInPage({ id: 'walletb', name: 'B wallet' });
    const a = installInjectedStarknetWalletInPage({ id: 'walleta', name: 'A wallet', icon: 'javascript:alert(1)' });
    uninstall.push(a.uninstall, b.uninstall);
    const infos = (await discoverStarknetWallets(window)).map((c) => c.info);
    expect(infos).toEqual([
      { id: 'starknet:walleta', name: 'A wallet', icon: undefined, via: 'get-starknet', kind: 'starknet' },
      { id: 'starknet:walletb', name: 'B wallet', icon: expect.stringMatching(/^data:image\/svg\+xml,/), via: 'get-starknet', kind: 'starknet' },
    ]);
  });

  test("never lists get-starknet's virtual MetaMask wallet, so its remote code is never loaded", async () => {
    // An EVM provider announcing itself as MetaMask makes get-starknet add a virtual wallet
    // whose first use loads https://snaps.consensys.io/... code.
    const provider = { isMetaMask: true, request: async () => null };
    const test = installInjectedStarknetWalletInPage();
    uninstall.push(test.uninstall);
    const loads: string[] = [];
    const observer = new PerformanceObserver((list) => loads.push(...list.getEntries().map((e) => e.name)));
    observer.observe({ type: 'resource', buffered: false });

    // A fresh window object (with our wallet and a fake MetaMask answering EIP-6963 on it)
    // makes get-starknet probe for MetaMask and find it.
    const win = Object.assign(new EventTarget(), { starknet_tabnodetest: (window as unknown as Record<string, unknown>).starknet_tabnodetest });
    win.addEventListener('eip6963:requestProvider', () => {
      win.dispatchEvent(
        new CustomEvent('eip6963:announceProvider', {
          detail: { info: { uuid: 'mm', name: 'MetaMask', icon: 'data:image/svg+xml,', rdns: 'io.metamask' }, provider },
        }),
      );
    });
    const first = await discoverStarknetWallets(win);
    await expect.poll(() => 'starknet_metamask' in win).toBe(true);
    const again = await discoverStarknetWallets(win);
    observer.disconnect();

    expect(first.map((c) => c.info.id)).toEqual(['starknet:tabnodetest']);
    expect(again.map((c) => c.info.id)).toEqual(['starknet:tabnodetest']);
    expect(isInjectedStarknetWallet((win as unknown as Record<string, unknown>).starknet_metamask)).toBe(false);
    expect(loads.filter((url) => url.includes('consensys'))).toEqual([]);
    expect(document.querySelector('script[src*="consensys"]')).toBeNull();
  });

  test('an Ethereum test wallet in the same page does not look like MetaMask to get-starknet', async () => {
    const eth = installInjectedEthereumWalletInPage({ chainId: 1 });
    uninstall.push(eth.uninstall);
    // A fresh window object relaying EIP-6963 to and from this page makes get-starknet probe anew.
    const win = new EventTarget();
    const seen: string[] = [];
    const relay = (event: Event): void => {
      const detail = (event as CustomEvent<{ info: { rdns: string } }>).detail;
      seen.push(detail.info.rdns);
      win.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail }));
    };
    window.addEventListener('eip6963:announceProvider', relay);
    uninstall.push(() => window.removeEventListener('eip6963:announceProvider', relay));
    win.addEventListener('eip6963:requestProvider', () => window.dispatchEvent(new Event('eip6963:requestProvider')));
    await discoverStarknetWallets(win);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toContain('org.tabnode.testwallet');
    expect('starknet_metamask' in win).toBe(false);
  });
});

describe('starknetConnector', () => {
  const uninstall: (() => void)[] = [];
  afterEach(() => {
    for (const u of uninstall.splice(0)) u();
  });

  test('reveals the public key (signer.getPubKey) and class hash (wallet_deploymentData) of the counterfactual account', async () => {
    const wallet = installInjectedStarknetWalletInPage({ chainId: 'SN_MAIN' });
    uninstall.push(wallet.uninstall);
    const account = (await (await findConnector()).connect()) as StarknetWalletAccount;
    expect(account).toMatchObject({ kind: 'starknet', chainId: 'SN_MAIN', publicKey: wallet.publicKey });
    expect(BigInt(account.classHash!)).toBe(BigInt(OZ_ACCOUNT_CLASS_HASH));
    expect(account.address).toMatch(/^0x[0-9a-f]{64}$/);
    const computed = hash.calculateContractAddressFromHash(account.publicKey!, OZ_ACCOUNT_CLASS_HASH, [account.publicKey!], 0);
    expect(BigInt(account.address)).toBe(BigInt(computed));
  });

  /** A minimal wallet object answering from a table (an Error answer is thrown). */
  function fakeWallet(answers: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const calls: string[] = [];
    return {
      calls,
      wallet: {
        id: 'fake',
        name: 'Fake',
        icon: 'data:image/svg+xml,',
        version: '1',
        on() {},
        off() {},
        async request({ type }: { type: string }) {
          calls.push(type);
          const answer = answers[type];
          if (answer instanceof Error) throw answer;
          if (answer === undefined) throw Object.assign(new Error(`unknown ${type}`), { code: 163 });
          return answer;
        },
        ...extra,
      },
    };
  }
  const enableOnly = { enable: async () => undefined, disconnect: async () => undefined } as never;
  const address = '0x123';

  test('accepts a chain id given as its name, leaves unknown keys undefined, and signs the legacy way', async () => {
    const signed: unknown[] = [];
    const { wallet } = fakeWallet(
      { wallet_requestAccounts: [address], wallet_requestChainId: 'SN_SEPOLIA' },
      { account: { signMessage: async (td: unknown) => (signed.push(td), { r: 10n, s: '11' }) } },
    );
    const account = (await starknetConnector(wallet as never, enableOnly).connect()) as StarknetWalletAccount;
    expect(account).toMatchObject({ address: `0x${'0'.repeat(61)}123`, chainId: 'SN_SEPOLIA', publicKey: undefined, classHash: undefined });
    expect(await account.signTypedData({ any: 'thing' })).toEqual(['0xa', '0xb']);
    expect(signed).toEqual([{ any: 'thing' }]);
  });

  test('maps refusals to WalletRejectedError and other failures to WalletUnavailableError', async () => {
    const refused = fakeWallet({
      wallet_requestAccounts: [address],
      wallet_requestChainId: '0x534e5f4d41494e',
      wallet_signTypedData: Object.assign(new Error('An error occurred (USER_REFUSED_OP)'), { code: 113 }),
    });
    const account = (await starknetConnector(refused.wallet as never, enableOnly).connect()) as StarknetWalletAccount;
    expect(account.chainId).toBe('SN_MAIN');
    await expect(account.signTypedData({})).rejects.toBeInstanceOf(WalletRejectedError);

    const aborted = fakeWallet({ wallet_requestAccounts: [address], wallet_requestChainId: 'SN_MAIN', wallet_signTypedData: new Error('User abort') });
    const plain = (await starknetConnector(aborted.wallet as never, enableOnly).connect()) as StarknetWalletAccount;
    await expect(plain.signTypedData({})).rejects.toBeInstanceOf(WalletRejectedError);

    const broken = fakeWallet({ wallet_requestAccounts: [address], wallet_requestChainId: new Error('RPC down') });
    const failure = await starknetConnector(broken.wallet as never, enableOnly).connect().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WalletUnavailableError);
    expect(String(failure)).toContain('Fake failed wallet_requestChainId: RPC down');
  });

  test("a wallet that grants no account access (get-starknet's 'Failed to connect') is a refusal", async () => {
    const { getStarknet } = await import('@starknet-io/get-starknet-core');
    const { wallet } = fakeWallet({ wallet_requestAccounts: [], wallet_getPermissions: [] });
    const core = getStarknet({ windowObject: new EventTarget() as never });
    await expect(starknetConnector(wallet as never, core).connect()).rejects.toBeInstanceOf(WalletRejectedError);
  });

  test('normalizes signatures to 0x-hex felts and refuses malformed ones', async () => {
    expect(feltArray('W', ['1', '0x0A', 255n])).toEqual(['0x1', '0xa', '0xff']);
    expect(feltArray('W', { r: '0x01', s: 2 })).toEqual(['0x1', '0x2']);
    expect(() => feltArray('W', ['0x1'])).toThrow(WalletUnavailableError);
    expect(() => feltArray('W', ['0x1', 'zz'])).toThrow(/W answered the signature request with \["0x1","zz"\]/);
    expect(await decodeChainId('0x534e5f5345504f4c4941')).toBe('SN_SEPOLIA');
    expect(await decodeChainId('SN_MAIN')).toBe('SN_MAIN');
  });
});
