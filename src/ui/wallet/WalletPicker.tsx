import { useEffect, useState } from 'react';
import type { WalletAccount, WalletConnector } from '../../wallets/connector.ts';
import { useNode } from '../shell/nodeContext.ts';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';
import { PairingCode } from './PairingCode.tsx';
import { connectWallet, listWallets } from './walletSession.ts';
import { plainError } from '../shell/plainWords.ts';

const VIA = { injected: 'browser wallet', walletconnect: 'WalletConnect', 'get-starknet': 'Starknet wallet' } as const;

/**
 * The wallets this browser can use, as buttons; picking one connects it (showing the
 * pairing code for WalletConnect) and hands the account to `onAccount`.
 */
export function WalletPicker({ onAccount, busyText }: { onAccount(account: WalletAccount): Promise<void>; busyText: string }) {
  const node = useNode();
  const [wallets, setWallets] = useState<WalletConnector[]>();
  const [busy, setBusy] = useState<string>();
  const [pairing, setPairing] = useState<string>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    void node.settings
      .get()
      .then(listWallets)
      .then((found) => live && setWallets(found), (e: unknown) => live && setError(`Could not list wallets. ${plainError(e).text}`));
    return () => {
      live = false;
    };
  }, [node]);

  async function pick(connector: WalletConnector) {
    setBusy(connector.info.id);
    setError(undefined);
    try {
      await onAccount(await connectWallet(connector, { onPairingUri: setPairing }));
    } catch (e) {
      setError(plainError(e).text);
    } finally {
      setPairing(undefined);
      setBusy(undefined);
    }
  }

  if (!wallets) return <p role="status">Looking for wallets…</p>;
  return (
    <div className="wallets">
      {wallets.length === 0 && (
        <p>No wallet found in this browser. Install a wallet extension, or set a WalletConnect project id in Settings.</p>
      )}
      <ul className="wallet-list">
        {wallets.map((w) => (
          <li key={w.info.id}>
            <button type="button" className="button secondary wallet" disabled={busy !== undefined} onClick={() => void pick(w)}>
              {w.info.icon && <img src={w.info.icon} alt="" width={24} height={24} />}
              <span>{w.info.name}</span>
              <small>
                {w.info.kind === 'ethereum' ? 'Ethereum' : 'Starknet'} · {VIA[w.info.via]}
              </small>
            </button>
          </li>
        ))}
      </ul>
      {busy && <p role="status">{busyText}</p>}
      {pairing && <PairingCode uri={pairing} />}
      <ErrorAlert message={error} />
    </div>
  );
}
