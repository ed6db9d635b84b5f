import { afterEach, expect, test } from 'vitest';
import { installInjectedEthereumWalletInPage } from '../../e2e/wallets/injectedEthereum.ts';
import { installInjectedStarknetWalletInPage } from '../../e2e/wallets/injectedStarknet.ts';
import { discoverWallets } from './discover.ts';

const uninstall: (() => void)[] = [];
afterEach(() => {
  for (const u of uninstall.splice(0)) u();
});

test('lists injected Ethereum wallets, then Starknet wallets, then WalletConnect when configured', async () => {
  uninstall.push(installInjectedEthereumWalletInPage({ chainId: 1 }).uninstall, installInjectedStarknetWalletInPage().uninstall);

  const without = await discoverWallets({ waitMs: 20 });
  expect(without.map((c) => c.info.id)).toEqual(['eip6963:org.tabnode.testwallet', 'starknet:tabnodetest']);

  const withWc = await discoverWallets({ waitMs: 20, walletConnect: { projectId: 'test', relayUrl: 'ws://127.0.0.1:9/' } });
  expect(withWc.map((c) => [c.info.id, c.info.via, c.info.kind])).toEqual([
    ['eip6963:org.tabnode.testwallet', 'injected', 'ethereum'],
    ['starknet:tabnodetest', 'get-starknet', 'starknet'],
    ['walletconnect', 'walletconnect', 'ethereum'],
  ]);
});

test('a family that fails to list is reported and left out; the others are still listed', async () => {
  uninstall.push(installInjectedEthereumWalletInPage({ chainId: 1 }).uninstall);
  const failures: string[] = [];
  // A window-like object relaying EIP-6963 to this page, whose Starknet scan throws
  // (get-starknet reads every `starknet*` property).
  const win = new EventTarget();
  Object.defineProperty(win, 'starknet_broken', { enumerable: true, get: () => { throw new Error('broken wallet'); } });
  const relay = (event: Event): void => void win.dispatchEvent(new CustomEvent(event.type, { detail: (event as CustomEvent).detail }));
  window.addEventListener('eip6963:announceProvider', relay);
  uninstall.push(() => window.removeEventListener('eip6963:announceProvider', relay));
  win.addEventListener('eip6963:requestProvider', () => window.dispatchEvent(new Event('eip6963:requestProvider')));
  const listed = await discoverWallets({ win: win as Window, waitMs: 20, onError: (family) => failures.push(family) });
  expect(listed.map((c) => c.info.id)).toEqual(['eip6963:org.tabnode.testwallet']);
  expect(failures).toEqual(['starknet']);
});
