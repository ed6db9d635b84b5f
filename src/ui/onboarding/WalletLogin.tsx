import { useState } from 'react';
import { useNode } from '../shell/nodeContext.ts';
import { WalletPicker } from '../wallet/WalletPicker.tsx';
import { defaultDeviceLabel } from './deviceLabel.ts';

/**
 * Log in with a wallet: the wallet's account becomes the identity, and it signs this
 * node's challenge delegating this device's key. The same wallet on another browser is
 * the same identity; its contexts come back from the other members.
 */
export function WalletLogin({ onCancel }: { onCancel(): void }) {
  const node = useNode();
  const [label, setLabel] = useState(defaultDeviceLabel);
  return (
    <section className="card" aria-labelledby="wallet-login-title">
      <h1 id="wallet-login-title">Log in with a wallet</h1>
      <p className="lead">
        Your wallet signs one message naming this device&apos;s key. Nothing is sent to a chain and it costs nothing.
      </p>
      <label className="field">
        <span>Name for this device</span>
        <input value={label} maxLength={64} onChange={(e) => setLabel(e.target.value)} />
      </label>
      <WalletPicker busyText="Waiting for your wallet…" onAccount={async (account) => void (await node.identity.loginWithWallet(account, label))} />
      <div className="actions">
        <button type="button" className="button secondary" onClick={onCancel}>
          Back
        </button>
      </div>
    </section>
  );
}
