import { useId, useState, type ReactNode } from 'react';
import { Dialog } from './Dialog.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';
import { plainError } from './plainWords.ts';

/**
 * Asks before a destructive action. Cancel has the focus, so Enter or Escape right away
 * does nothing harmful. A failing `onConfirm` keeps the dialog open with its message.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<void> | void;
  onCancel: () => void;
}) {
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function confirm() {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
    } catch (e) {
      setError(plainError(e).text);
      setBusy(false);
    }
  }

  return (
    <Dialog titleId={titleId} onClose={onCancel} testId="confirm-dialog">
      <div className="card">
        <h2 id={titleId}>{title}</h2>
        <div className="confirm-body">{children}</div>
        <ErrorAlert message={error} />
        <div className="actions">
          <button type="button" className="button secondary" data-autofocus onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="button danger" onClick={() => void confirm()} disabled={busy}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
