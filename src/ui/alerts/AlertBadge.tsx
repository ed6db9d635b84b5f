import { useAlerts } from './useAlerts.ts';

/** The count of open alerts, for the top bar's Alerts link (nothing when none are open). */
export function AlertBadge() {
  const { alerts } = useAlerts();
  const open = alerts?.filter((a) => !a.acknowledged) ?? [];
  if (!open.length) return null;
  const critical = open.some((a) => a.severity === 'critical');
  return (
    <span className={`badge ${critical ? 'bad' : 'warn'}`} data-testid="alert-badge">
      {open.length}
      <span className="visually-hidden"> open</span>
    </span>
  );
}
