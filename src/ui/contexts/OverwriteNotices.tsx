import type { ContextView } from '../../node/index.ts';
import { useNode } from '../shell/nodeContext.ts';

const shown = (value: unknown) => (value === undefined ? 'removed it' : `kept ${JSON.stringify(value).slice(0, 120)}`);

/** Your writes another member overwrote at the same time (the merge kept theirs): who, and what won. */
export function OverwriteNotices({ view }: { view: ContextView }) {
  const node = useNode();
  if (!view.overwrites?.length) return null;
  return (
    <section className="card notice-card" aria-labelledby="overwrites-title" data-testid="overwrites">
      <h2 id="overwrites-title">Changed at the same time as you</h2>
      <ul className="list">
        {view.overwrites.map((o) => (
          <li key={`${o.byOp}-${o.key}`}>
            <span>
              <strong>{o.by}</strong> changed <code>{o.key}</code> while you did; the merge {shown(o.winner)}. You had written{' '}
              <code>{o.mine === undefined ? '(a removal)' : JSON.stringify(o.mine).slice(0, 120)}</code>.
            </span>
          </li>
        ))}
      </ul>
      <div className="actions start spaced">
        <button type="button" className="button secondary small" onClick={() => void node.contexts.open(view.id).dismissOverwrites()}>
          Dismiss
        </button>
      </div>
    </section>
  );
}
