import type { RotationStatus } from '../../node/index.ts';
import { PageLink } from '../shell/PageLink.tsx';

/**
 * Says when this device's key is due for rotation and nothing rotates it by itself: a
 * wallet root signs the new key only when the person asks (never a surprise prompt), and
 * a failed automatic rotation is retried within the hour. Nothing when not due.
 */
export function RotationDue({ status }: { status: RotationStatus }) {
  if (!status.due) return null;
  const failed = status.last?.outcome === 'failed' ? status.last.message : undefined;
  if (status.automatic && !failed) {
    return (
      <p className="notice" role="status" data-testid="rotation-due">
        Rotating this device's key…
      </p>
    );
  }
  return (
    <div className="notice" role="status" data-testid="rotation-due">
      <p>
        {failed ?
          `Automatic key rotation failed: ${failed}. It is tried again within the hour.`
        : "Key rotation is due. Your wallet signs the new key, so it waits for you: rotate when your wallet is at hand."}
      </p>
      <PageLink to={{ page: 'identity' }}>Rotate this device key on the Identity page</PageLink>
    </div>
  );
}
