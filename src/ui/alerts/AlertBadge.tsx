import { useAlerts } from './useAlerts.ts';

/** The count of open alerts, for the top bar's Alerts link: read as "Alerts (2 open)"; nothing when none are open. */
export function AlertBadge() {
  const { alerts } = useAlerts();
  const open = alerts?.filter((a) => !a.acknowledged) ?? [];
  if (!open.length) return null;
  const critical = open.some((a) => a.severity === 'critical');
  return (
    <span className={`badge ${critical ? 'bad' : 'warn'}`} data-testid="alert-badge">
      <span aria-hidden="true">{open.length}</span>
      <span className="visually-hidden"> ({open.length} open)</span>
    </span>
  );
}
