import { useNode } from '../shell/nodeContext.ts';
import { AuditExport } from './AuditExport.tsx';
import { useLive } from '../shell/useLive.ts';
import { formatDateTime } from '../shell/wording.ts';

/** Every op of the context: what, by whom (executor), from which device, and its verdict. */
export function AuditLog({ contextId }: { contextId: string }) {
  const node = useNode();
  const { value: entries } = useLive(() => node.contexts.open(contextId).audit(), [contextId], 2000);
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
              <tr key={e.key} data-key={e.key}>
                <td>{formatDateTime(e.time)}</td>
                <td>
                  {e.kind}
                  {e.call && <code className="small"> {e.call}()</code>}
                </td>
                <td>
                  <code className="id small" title={e.executor}>
                    {e.executor.split(':').at(-1)?.slice(0, 10)}…
                  </code>
                </td>
                <td>{e.device}</td>
                <td>
                  <span className={`badge ${e.valid ? 'good' : 'bad'}`}>{e.valid ? 'valid' : e.reason}</span>
                  {e.verification && <span className={`badge ${e.verification === 'confirmed' ? 'good' : 'bad'}`}>re-run {e.verification}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
