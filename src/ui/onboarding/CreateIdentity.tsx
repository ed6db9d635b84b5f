import { useMemo, useState, type FormEvent } from 'react';
import { useNode } from '../shell/nodeContext.ts';
import { useAdoptPhrase } from './useAdoptPhrase.tsx';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';

/** Three distinct word positions to ask back, so a person shows they wrote the phrase down. */
function pickPositions(count: number): number[] {
  const picked = new Set<number>();
  const random = crypto.getRandomValues(new Uint32Array(16));
  for (const r of random) {
    if (picked.size === 3) break;
    picked.add(r % count);
  }
  return [...picked].sort((a, b) => a - b);
}

export function CreateIdentity({ onCancel }: { onCancel: () => void }) {
  const node = useNode();
  const phrase = useMemo(() => node.identity.newPhrase(), [node]);
  const words = phrase.split(' ');
  const positions = useMemo(() => pickPositions(words.length), [words.length]);
  const [step, setStep] = useState<'show' | 'confirm'>('show');
  const [wroteDown, setWroteDown] = useState(false);
  const [answers, setAnswers] = useState<Record<number, string>>({});
  const { adopt, busy, error, setError, labelField } = useAdoptPhrase();

  async function confirm(event: FormEvent) {
    event.preventDefault();
    const wrong = positions.filter((p) => (answers[p] ?? '').trim().toLowerCase() !== words[p]);
    if (wrong.length > 0) {
      setError(`Word ${wrong.map((p) => `#${p + 1}`).join(', ')} does not match. Check what you wrote down.`);
      return;
    }
    await adopt(phrase);
  }

  if (step === 'show') {
    return (
      <section className="card" aria-labelledby="create-title">
        <h1 id="create-title">Your recovery phrase</h1>
        <p>
          These 12 words <strong>are</strong> your identity. Write them down in order and keep them safe: they restore
          you in any browser. Anyone who has them can act as you. Tabnode does not store them.
        </p>
        <ol className="phrase" aria-label="Recovery phrase" data-testid="phrase">
          {words.map((word, i) => (
            <li key={i}>
              <span className="index">{i + 1}</span>
              <span className="word">{word}</span>
            </li>
          ))}
        </ol>
        <label className="check">
          <input type="checkbox" checked={wroteDown} onChange={(e) => setWroteDown(e.target.checked)} />I have written
          these words down
        </label>
        <div className="actions">
          <button type="button" className="button secondary" onClick={onCancel}>
            Back
          </button>
          <button type="button" className="button primary" disabled={!wroteDown} onClick={() => setStep('confirm')}>
            Continue
          </button>
        </div>
      </section>
    );
  }

  return (
    <form className="card" aria-labelledby="confirm-title" onSubmit={confirm}>
      <h1 id="confirm-title">Confirm your phrase</h1>
      <p>Type these words from your recovery phrase.</p>
      <div className="fields">
        {positions.map((p) => (
          <label key={p} className="field">
            <span>Word #{p + 1}</span>
            <input
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              value={answers[p] ?? ''}
              onChange={(e) => setAnswers({ ...answers, [p]: e.target.value })}
              required
            />
          </label>
        ))}
        {labelField}
      </div>
      <ErrorAlert message={error} />
      <div className="actions">
        <button type="button" className="button secondary" onClick={() => setStep('show')}>
          Show the words again
        </button>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create identity'}
        </button>
      </div>
    </form>
  );
}
