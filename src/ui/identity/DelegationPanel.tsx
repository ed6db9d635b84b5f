import { useState, type FormEvent } from 'react';
import type { DelegationCheck } from '../../node/index.ts';
import { CopyButton } from '../shell/CopyButton.tsx';
import type { Plain } from '../shell/plainWords.ts';
import { ProblemText } from '../shell/Problem.tsx';
import { formatDateTime } from '../shell/wording.ts';
import { useNode } from '../shell/nodeContext.ts';

/** Show this device's delegation certificate, and check one from someone else. */
export function DelegationPanel() {
  const node = useNode();
  const [exported, setExported] = useState<string>();
  const [candidate, setCandidate] = useState('');
  const [check, setCheck] = useState<DelegationCheck>();
  const [problem, setProblem] = useState<Plain>();

  async function verify(event: FormEvent) {
    event.preventDefault();
    const result = await node.identity.checkDelegation(candidate);
    const words = result.ok ? undefined : (await import('./delegationWords.ts')).plainDelegationProblem(result.reason, result.message);
    setCheck(result);
    setProblem(words);
  }

  return (
    <section className="card" aria-labelledby="delegation-title">
      <h2 id="delegation-title">Delegation certificate</h2>
      <p>
        Your identity signed a certificate that lets this device act for it. Any peer can check it offline.
      </p>
      {exported ?
        <div className="export">
          <textarea readOnly rows={4} value={exported} aria-label="This device's delegation" data-testid="delegation-export" />
          <CopyButton text={exported} />
        </div>
      : <button type="button" className="button secondary" onClick={() => void node.identity.exportDelegation().then(setExported)}>
          Show certificate
        </button>
      }
      <form onSubmit={verify} className="verify">
        <label className="field">
          <span>Check a certificate</span>
          <textarea
            rows={3}
            value={candidate}
            onChange={(e) => setCandidate(e.target.value)}
            placeholder="Paste a delegation certificate"
            spellCheck={false}
          />
        </label>
        <button type="submit" className="button secondary" disabled={!candidate.trim()}>
          Check
        </button>
      </form>
      {check && (
        <div className={check.ok ? 'result good' : 'result bad'} role="status" data-testid="delegation-check" data-reason={check.ok ? undefined : check.reason}>
          {check.ok ?
            `Valid: ${check.root} delegates key ${check.clientKey.slice(0, 10)}… (“${check.label}”) until ${formatDateTime(check.expiresAt)}.`
          : <>
              Not valid. {problem && <ProblemText problem={problem} />}
            </>
          }
        </div>
      )}
    </section>
  );
}
