import { UNKNOWN_EXECUTOR, type AuditEntry, type MemberView, type VerificationView } from '../../node/contexts/view.ts';
import { useNode } from '../shell/nodeContext.ts';
import { plainOpKind } from '../shell/opKindWords.ts';
import { plainReason } from '../shell/reasonWords.ts';
import { AuditExport } from './AuditExport.tsx';
import { nameOfRoot } from './executorName.ts';
import { useLive } from '../shell/useLive.ts';
import { formatDateTime } from '../shell/wording.ts';

/** A re-run's result as a badge says it. */
const RERUN_WORDS: Record<VerificationView['result'], string> = {
  confirmed: 'Re-run agrees',
  mismatch: 'Re-run differs',
  failed: 'Re-run failed',
};

/** Who made an op, by name; a key nothing here introduced has no root to name. */
function executorName(members: readonly MemberView[], e: AuditEntry): string {
  return e.executor === UNKNOWN_EXECUTOR ? 'someone not known here' : nameOfRoot(members, e.executor);
}

/**
 * Every op of the context: what, by whom (executor), from which device, and its verdict, in
 * words (codes and ids as tooltips). The exports keep the codes: they are for machines.
 */
export function AuditLog({ contextId }: { contextId: string }) {
  const node = useNode();
  const { value: entries } = useLive(() => node.contexts.open(contextId).audit(), [contextId], 2000);
  // Names change rarely: the members alone (not the whole view) are read again on a change, else every 5 s.
  const { value: members } = useLive(() => node.contexts.open(contextId).members(), [contextId], 5000);
  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <AuditExport contextId={contextId} />
      {/* Focusable: on narrow screens it scrolls sideways, and keyboards must reach that too. */}
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Audit log entries">
        <table className="kv" data-testid="audit">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Op</th>
              <th scope="col">Executor</th>
              <th scope="col">Device</th>
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {[...(entries ?? [])].reverse().slice(0, 200).map((e) => (
              <tr key={e.key} data-key={e.key} data-kind={e.kind}>
                <td>{formatDateTime(e.time)}</td>
                <td>
                  <span title={e.kind}>{plainOpKind(e.kind)}</span>
                  {e.call && <code className="small"> {e.call}()</code>}
                </td>
                <td title={e.executor}>{executorName(members ?? [], e)}</td>
                <td title={e.executor === UNKNOWN_EXECUTOR ? e.device : undefined}>{e.executor === UNKNOWN_EXECUTOR ? 'a device not known here' : e.device}</td>
                <td>
                  {e.valid ?
                    <span className="badge good">valid</span>
                  : <span className="badge bad" title={e.reason}>
                      {e.reason ? plainReason(e.reason) : 'refused'}
                    </span>
                  }
                  {e.verification && (
                    <span className={`badge ${e.verification === 'confirmed' ? 'good' : 'bad'}`} title={`re-run ${e.verification}`}>
                      {RERUN_WORDS[e.verification]}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
