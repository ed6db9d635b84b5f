import { useRef, useState, type ChangeEvent } from 'react';
import { useNode } from '../shell/nodeContext.ts';
import { ProblemText } from '../shell/Problem.tsx';
import { plainError, type Plain } from '../shell/plainWords.ts';
import { navigate, pathOf } from '../shell/router.ts';
import { countOf } from '../shell/wording.ts';

/** Take a context back from a backup file (made with "Download backup" on a context page). */
export function RestoreBackup() {
  const node = useNode();
  const picker = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ text: string; id: string; name: string }>();
  const [problem, setProblem] = useState<Plain>();

  async function restore(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setBusy(true);
    setDone(undefined);
    setProblem(undefined);
    try {
      const outcome = await node.contexts.restore(await file.text());
      const refused = outcome.refused ? `; ${countOf(outcome.refused, 'op')} did not check out and ${outcome.refused === 1 ? 'was' : 'were'} left out` : '';
      setDone({ text: `Restored “${outcome.name}”: ${countOf(outcome.added, 'op')} checked and added${refused}.`, id: outcome.id, name: outcome.name });
    } catch (error) {
      setProblem(plainError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="restore-title">
      <h2 id="restore-title">Restore from a backup</h2>
      <p className="muted">Every op in the file is checked again, as if a member sent it. Your root must be a member for you to write there.</p>
      <button type="button" className="button secondary" disabled={busy} onClick={() => picker.current?.click()}>
        {busy ? 'Restoring…' : 'Choose backup file…'}
      </button>
      <input ref={picker} type="file" accept="application/json,.json" hidden onChange={(e) => void restore(e)} data-testid="restore-file" aria-label="Backup file" />
      {done && (
        <p className="result good" role="status">
          {done.text}{' '}
          <a
            href={pathOf({ page: 'context', id: done.id })}
            onClick={(e) => {
              e.preventDefault();
              navigate({ page: 'context', id: done.id });
            }}
          >
            Open “{done.name}”
          </a>
        </p>
      )}
      {problem && (
        <div className="result bad" role="alert">
          <ProblemText problem={{ ...problem, text: `Not restored. ${problem.text}` }} />
        </div>
      )}
    </section>
  );
}
