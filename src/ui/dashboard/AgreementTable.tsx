import type { AgreementCell, AgreementMatrix } from '../../core/metrics/index.ts';
import { formatTime } from '../shell/wording.ts';

const CELL: Record<AgreementCell, { text: string; tone: string }> = {
  agree: { text: 'agrees', tone: 'good' },
  syncing: { text: 'syncing', tone: '' },
  diverged: { text: 'DIVERGED', tone: 'bad' },
  unknown: { text: 'no checkpoint yet', tone: 'warn' },
  absent: { text: '—', tone: 'none' },
};

/** Peers × contexts: what each peer's latest signed checkpoint says against this node's view. */
export function AgreementTable({ matrix }: { matrix: AgreementMatrix }) {
  return (
    <section className="card" aria-labelledby="agreement-title">
      <h2 id="agreement-title">Checkpoint agreement</h2>
      {matrix.rows.length === 0 ?
        <p className="muted">No peers seen yet: rows appear as peers link up and send their checkpoints.</p>
      : // Focusable: on narrow screens it scrolls sideways, and keyboards must reach that too.
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Checkpoint agreement by peer and context">
          <table className="kv agreement" data-testid="agreement-matrix">
            <caption className="visually-hidden">Checkpoint agreement of each peer in each context</caption>
            <thead>
              <tr>
                <th scope="col">Peer</th>
                {matrix.contexts.map((c) => (
                  <th scope="col" key={c.id}>
                    {c.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.rows.map((r) => (
                <tr key={r.key} data-peer={r.label}>
                  <th scope="row">{r.label}</th>
                  {r.cells.map((cell, i) => (
                    <td key={matrix.contexts[i]!.id} data-cell={cell}>
                      {CELL[cell].tone === 'none' ?
                        <span className="muted" aria-label="not seen here">
                          {CELL[cell].text}
                        </span>
                      : <span className={`badge ${CELL[cell].tone}`}>{CELL[cell].text}</span>}
                      {r.at[i] !== null && <span className="muted small"> {formatTime(r.at[i]!)}</span>}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {matrix.omitted > 0 && <p className="muted small">and {matrix.omitted} more peers not shown</p>}
        </div>
      }
      <p className="muted small">
        Each peer’s latest signed checkpoint against this node: “agrees” is the same heads and state; “syncing” is different heads (nothing to compare yet); “DIVERGED” is the same heads
        with a different state; “—” is a peer not seen in that context.
      </p>
    </section>
  );
}
