import { CopyButton } from '../shell/CopyButton.tsx';
import { QrCode } from '../shell/QrCode.tsx';

/** A WalletConnect pairing URI: scan it with a phone wallet, or copy the link into one. */
export function PairingCode({ uri }: { uri: string }) {
  return (
    <div className="pairing" data-testid="walletconnect-pairing">
      <p>Scan with your wallet, or copy the link into it. Waiting for the wallet to approve…</p>
      <QrCode text={uri} label="WalletConnect pairing QR code" />
      <div className="copy-row">
        <input readOnly value={uri} aria-label="WalletConnect pairing link" data-testid="walletconnect-uri" />
        <CopyButton text={uri} />
      </div>
    </div>
  );
}
