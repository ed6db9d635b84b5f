import { useNode } from '../shell/nodeContext.ts';
import { useLive } from '../shell/useLive.ts';

/** The app events of a context as they arrive (hashed payloads from others show as a hash). */
export function EventStream({ contextId }: { contextId: string }) {
  const node = useNode();
  const { value: events } = useLive(() => node.contexts.open(contextId).events(), [contextId]);
  return (
    <section className="card" aria-labelledby="events-title">
      <h2 id="events-title">Events</h2>
      {!events || events.length === 0 ?
        <p className="muted">No events yet.</p>
      : <ul className="list" data-testid="events">
          {[...events].reverse().map((e, i) => (
            <li key={`${e.at}-${i}`} data-event={e.name} data-hashed={e.hashed}>
              <span className="badge">{e.name}</span>
              {e.hashed && <span className="badge warn">hash only</span>}
              <code className="small">{e.payload.length > 200 ? `${e.payload.slice(0, 200)}…` : e.payload}</code>
              <span className="muted small">by {e.executor.slice(0, 24)}…</span>
            </li>
          ))}
        </ul>
      }
    </section>
  );
}
