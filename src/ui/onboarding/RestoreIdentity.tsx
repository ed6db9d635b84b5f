import { useState, type FormEvent } from 'react';
import { useNode } from '../shell/nodeContext.ts';
import { defaultDeviceLabel } from './deviceLabel.ts';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';

export function RestoreIdentity({ onCancel }: { onCancel: () => void }) {
  const node = useNode();
  const [phrase, setPhrase] = useState('');
  const [label, setLabel] = useState(defaultDeviceLabel);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function restore(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await node.identity.useLocalRoot(phrase, label);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  }

  return (
    <form className="card" aria-labelledby="restore-title" onSubmit={restore}>
      <h1 id="restore-title">Restore your identity</h1>
      <p>Enter your 12-word recovery phrase. This browser gets its own device key, delegated by your identity.</p>
      <div className="fields">
        <label className="field">
          <span>Recovery phrase</span>
          <textarea
            rows={3}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            value={phrase}
            onChange={(e) => setPhrase(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span>Name for this device</span>
          <input value={label} maxLength={64} onChange={(e) => setLabel(e.target.value)} />
        </label>
      </div>
      <ErrorAlert message={error} />
      <div className="actions">
        <button type="button" className="button secondary" onClick={onCancel}>
          Back
        </button>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Restoring…' : 'Restore'}
        </button>
      </div>
    </form>
  );
}
