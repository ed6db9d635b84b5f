import { useState } from 'react';
import type { DeviceView, IdentityStatus } from '../../node/index.ts';
import type { WalletAccount } from '../../wallets/connector.ts';
import { ConfirmDialog } from '../shell/ConfirmDialog.tsx';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';
import { countOf, formatDateTime, sentence } from '../shell/wording.ts';
import { useNode } from '../shell/nodeContext.ts';
import { useLive } from '../shell/useLive.ts';
import { PairingCode } from '../wallet/PairingCode.tsx';
import { WalletPicker } from '../wallet/WalletPicker.tsx';
import { walletFor } from '../wallet/walletSession.ts';

/** Something the root signs; `run` returns what to tell the person. */
type Action = { what: string; run(wallet: WalletAccount | undefined): Promise<string> };

/**
 * The devices this identity has delegated, as the contexts here know them: revoke a lost
 * one (the root signs; a wallet root's wallet), renew or rotate this one.
 */
export function DevicesPanel({ status }: { status: IdentityStatus }) {
  const node = useNode();
  const { value: devices } = useLive(() => node.devices.list(), [], 3000);
  const [busy, setBusy] = useState<string>();
  const [needWallet, setNeedWallet] = useState<Action>();
  const [pairing, setPairing] = useState<string>();
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [revoking, setRevoking] = useState<DeviceView>();
  const root = status.root!;

  async function perform(action: Action, wallet?: WalletAccount) {
    setBusy(action.what);
    setError(undefined);
    setMessage(undefined);
    try {
      let account = wallet;
      if (root.kind !== 'local' && !account) {
        account = await walletFor(node.devices.isRootWallet, await node.settings.get(), { onPairingUri: setPairing });
        setPairing(undefined);
        if (!account) {
          setNeedWallet(action);
          return;
        }
      }
      const result = await action.run(account);
      setNeedWallet(undefined);
      setMessage(`${action.what}: ${result}`);
    } catch (e) {
      setError(sentence((e as Error).message));
    } finally {
      setBusy(undefined);
    }
  }

  const published = ({ contexts, refused }: { contexts: number; refused: string[] }) =>
    `published in ${countOf(contexts, 'context')}` +
    (refused.length ? `; refused in ${refused.length}: ${refused.join('; ')}` : '') +
    '. Contexts that are still syncing get it once they are up to date.';
  const revoke = (d: DeviceView): Action => ({
    what: `Revoke ${d.label}`,
    run: async (wallet) => published(await node.devices.revoke(d.key, { wallet })),
  });
  const renew: Action = {
    what: 'Renew this device',
    run: async (wallet) => (await node.devices.renew({ wallet }), 'renewed; every context learns the new expiry.'),
  };
  const rotate: Action = {
    what: 'Rotate this device key',
    run: async (wallet) => {
      const r = await node.devices.rotate({ wallet });
      return `new key ${r.newKey.slice(0, 10)}…; the old one was ${published(r)}`;
    },
  };

  return (
    <section className="card" aria-labelledby="devices-title">
      <h2 id="devices-title">Devices</h2>
      <p>Every browser this identity has delegated. Revoking one makes every member refuse what it signs from then on.</p>
      <table className="devices" data-testid="devices">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Key</th>
            <th scope="col">Valid until</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(devices ?? []).map((d) => (
            <tr key={d.key} data-testid="device-row" data-key={d.key}>
              <td>{d.label}</td>
              <td data-label="Key">
                <code>{d.key.slice(0, 10)}…</code>
              </td>
              <td data-label="Valid until">
                {formatDateTime(d.expiresAt)}
                {!d.revoked && d.expiringSoon && <span className="badge warn">{countOf(d.daysLeft, 'day')} left</span>}
              </td>
              <td>
                {d.thisDevice && <span className="badge good">This device</span>}
                {d.revoked && <span className="badge bad">Revoked</span>}
              </td>
              <td>
                {!d.thisDevice && !d.revoked && (
                  <button type="button" className="button small danger" disabled={busy !== undefined} onClick={() => setRevoking(d)}>
                    Revoke…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button type="button" className="button secondary" disabled={busy !== undefined} onClick={() => void perform(renew)}>
          Renew this device
        </button>
        <button type="button" className="button secondary" disabled={busy !== undefined} onClick={() => void perform(rotate)}>
          Rotate this device key
        </button>
      </div>
      {revoking && (
        <ConfirmDialog
          title={`Revoke ${revoking.label}?`}
          confirmLabel="Revoke device"
          onCancel={() => setRevoking(undefined)}
          onConfirm={async () => {
            const device = revoking;
            setRevoking(undefined);
            await perform(revoke(device));
          }}
        >
          <p>
            Every member will refuse what {revoking.label} signs from now on. This cannot be undone: to use that browser again, sign in there again and it gets a
            new key.
          </p>
        </ConfirmDialog>
      )}
      {busy && <p role="status">{busy}… {root.kind !== 'local' && 'Confirm in your wallet.'}</p>}
      {pairing && <PairingCode uri={pairing} />}
      {needWallet && (
        <div className="notice">
          <p>Connect the wallet of {root.id} to sign this.</p>
          <WalletPicker busyText="Waiting for your wallet…" onAccount={(account) => perform(needWallet, account)} />
        </div>
      )}
      {message && (
        <p className="result good" role="status">
          {message}
        </p>
      )}
      <ErrorAlert message={error} />
    </section>
  );
}
