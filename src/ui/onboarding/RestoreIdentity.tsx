import { useState, type FormEvent } from 'react';
import { useAdoptPhrase } from './useAdoptPhrase.tsx';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';

export function RestoreIdentity({ onCancel }: { onCancel: () => void }) {
  const [phrase, setPhrase] = useState('');
  const { adopt, busy, error, labelField } = useAdoptPhrase();

  async function restore(event: FormEvent) {
    event.preventDefault();
    await adopt(phrase);
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
        {labelField}
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
