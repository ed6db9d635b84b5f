import { useNode } from '../shell/nodeContext.ts';
import { navigate } from '../shell/router.ts';
import { useLive } from '../shell/useLive.ts';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { countOf } from '../shell/wording.ts';
import { NewContextForm } from './NewContextForm.tsx';
import { RestoreBackup } from './RestoreBackup.tsx';

/** Your contexts, and a form to start a new one. */
export function ContextsPage() {
  const node = useNode();
  const { value: contexts } = useLive(() => node.contexts.list(), []);
  usePageTitle('Contexts');
  return (
    <>
      <section className="card" aria-labelledby="contexts-title">
        <h1 id="contexts-title">Your contexts</h1>
        {!contexts ?
          <p className="muted">Loading…</p>
        : contexts.length === 0 ?
          <p className="muted">No contexts yet. Create one below, or open an invite link someone sent you.</p>
        : <ul className="list" data-testid="context-list">
            {contexts.map((c) => (
              <li key={c.id}>
                <a
                  href={`/contexts/${c.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate({ page: 'context', id: c.id });
                  }}
                >
                  <strong>{c.name}</strong>
                </a>
                <span className="muted">
                  {c.joining ? 'joining…' : (c.myRole ?? 'not a member')} · {countOf(c.members, 'member')} · {countOf(c.peersOnline, 'peer')} online
                </span>
              </li>
            ))}
          </ul>
        }
      </section>
      <NewContextForm />
      <RestoreBackup />
    </>
  );
}
