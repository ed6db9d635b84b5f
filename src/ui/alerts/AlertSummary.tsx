import { navigate, pathOf } from '../shell/router.ts';
import { AlertItem } from './AlertItem.tsx';
import { useAlerts } from './useAlerts.ts';

/** How many open alerts a summary lists. */
const NEWEST_SHOWN = 3;

/** A compact view of the open alerts (for the dashboard): counts by severity, the newest few, a link to the alert centre. */
export function AlertSummary() {
  const { alerts } = useAlerts();
  const open = (alerts ?? []).filter((a) => !a.acknowledged);
  const critical = open.filter((a) => a.severity === 'critical').length;
  return (
    <section className="card" aria-labelledby="alert-summary-title" data-testid="alert-summary">
      <div className="heading-row">
        <h2 id="alert-summary-title">Alerts</h2>
        <a
          href={pathOf({ page: 'alerts' })}
          onClick={(e) => {
            e.preventDefault();
            navigate({ page: 'alerts' });
          }}
        >
          Alert centre
        </a>
      </div>
      {open.length === 0 ?
        <p className="muted">No open alerts.</p>
      : <>
          <p>
            {open.length} open{critical > 0 && <span className="badge bad">{critical} critical</span>}
          </p>
          <ul className="list alerts">
            {open.slice(0, NEWEST_SHOWN).map((a) => (
              <AlertItem key={a.id} alert={a} />
            ))}
          </ul>
        </>
      }
    </section>
  );
}
