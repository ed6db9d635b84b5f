import { nameOfRoot } from './executorName.ts';
import { useNode } from '../shell/nodeContext.ts';
import { useLive } from '../shell/useLive.ts';

/** The app events of a context as they arrive (hashed payloads from others show as a hash), by whom by name. */
export function EventStream({ contextId }: { contextId: string }) {
  const node = useNode();
  const { value: events } = useLive(() => node.contexts.open(contextId).events(), [contextId]);
  // Names change rarely: the members are read again on a change, else every 5 s.
  const { value: members } = useLive(() => node.contexts.open(contextId).view().then((v) => v.members), [contextId], 5000);
  return (
    <section className="card" aria-labelledby="events-title">
      <h2 id="events-title">Events</h2>
      {!events || events.length === 0 ?
        <p className="muted">No events yet.</p>
      : <ul className="list" data-testid="events">
          {[...events].reverse().map((e, i) => (
            <li key={`${e.at}-${i}`} data-event={e.name} data-hashed={e.hashed} data-executor={e.executor}>
              <span className="badge">{e.name}</span>
              {e.hashed && <span className="badge warn">hash only</span>}
              <code className="small">{e.payload.length > 200 ? `${e.payload.slice(0, 200)}…` : e.payload}</code>
              {members && (
                <span className="muted small" title={e.executor}>
                  by {nameOfRoot(members, e.executor)}
                </span>
              )}
            </li>
          ))}
        </ul>
      }
    </section>
  );
}
