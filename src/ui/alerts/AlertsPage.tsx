import { useState } from 'react';
import { ALERT_KIND_NAMES, ALERT_KINDS, type AlertKind, type AlertRecord } from '../../core/alerts/index.ts';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';
import { useNode } from '../shell/nodeContext.ts';
import { AlertItem } from './AlertItem.tsx';
import { NotificationsControl } from './NotificationsControl.tsx';
import { useAlerts } from './useAlerts.ts';

const ALL = '';
/** The filter value for alerts about this device rather than a context. */
const NO_CONTEXT = '-';

/** The contexts alerts name, by id, with their latest names. */
function contextsOf(alerts: readonly AlertRecord[]): [string, string][] {
  const names = new Map<string, string>();
  for (const a of alerts) if (a.context && !names.has(a.context)) names.set(a.context, a.contextName ?? 'Unnamed context');
  return [...names].sort(([, x], [, y]) => x.localeCompare(y));
}

/** The alert centre: every alert the node keeps, filtered by context and kind, acknowledged one by one or all at once. */
export function AlertsPage() {
  usePageTitle('Alerts');
  const node = useNode();
  const { alerts, error } = useAlerts();
  const [context, setContext] = useState(ALL);
  const [kind, setKind] = useState<AlertKind | typeof ALL>(ALL);
  const [openOnly, setOpenOnly] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const act = (run: Promise<void>) => void run.then(() => setActionError(undefined), (e: Error) => setActionError(`Could not acknowledge: ${e.message}`));

  const all = alerts ?? [];
  const shown = all.filter((a) => (context === ALL || (a.context ?? NO_CONTEXT) === context) && (kind === ALL || a.kind === kind) && (!openOnly || !a.acknowledged));
  const open = all.filter((a) => !a.acknowledged).length;

  return (
    <section className="card" aria-labelledby="alerts-title">
      <div className="heading-row">
        <h1 id="alerts-title">Alerts</h1>
        <button type="button" className="button small secondary" disabled={open === 0} onClick={() => act(node.alerts.acknowledgeAll())}>
          Acknowledge all
        </button>
      </div>
      <p className="lead">
        {open === 0 ? 'Nothing needs your attention.' : `${open} alert${open === 1 ? '' : 's'} need${open === 1 ? 's' : ''} your attention.`} Refused writes, failed syncs,
        divergence, anchor mismatches, quota breaches and this device’s expiring delegation show here.
      </p>
      <NotificationsControl />
      <div className="fields row alert-filters">
        <label className="field">
          <span>Context</span>
          <select value={context} onChange={(e) => setContext(e.target.value)}>
            <option value={ALL}>All contexts</option>
            {contextsOf(all).map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
            <option value={NO_CONTEXT}>This device</option>
          </select>
        </label>
        <label className="field">
          <span>Kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as AlertKind | typeof ALL)}>
            <option value={ALL}>All kinds</option>
            {ALERT_KINDS.map((k) => (
              <option key={k} value={k}>
                {ALERT_KIND_NAMES[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} />
          Open only
        </label>
      </div>
      <ErrorAlert message={error && `Could not read the alerts: ${error.message}`} />
      <ErrorAlert message={actionError} />
      {alerts && shown.length === 0 && <p className="muted">{all.length === 0 ? 'No alerts yet.' : 'No alerts match these filters.'}</p>}
      <ul className="list alerts" data-testid="alerts">
        {shown.map((a) => (
          <AlertItem key={a.id} alert={a} onAcknowledge={(id) => act(node.alerts.acknowledge(id))} />
        ))}
      </ul>
    </section>
  );
}
