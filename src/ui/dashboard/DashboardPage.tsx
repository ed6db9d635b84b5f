import { AlertSummary } from '../alerts/AlertSummary.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';
import { useNode } from '../shell/nodeContext.ts';
import { useLive } from '../shell/useLive.ts';
import { AgreementTable } from './AgreementTable.tsx';
import { ContextHealthCard } from './ContextHealthCard.tsx';
import { DeviceHygiene } from './DeviceHygiene.tsx';
import { HealthPlots } from './HealthPlots.tsx';
import './dashboard.css';

/** The dashboard reads the node this often (samples come every few seconds). */
const POLL_MS = 2000;

/**
 * The admin dashboard: every context's health, checkpoint agreement, and the last hour's
 * plots, with the open alerts above and this root's expiring and stale devices below.
 */
export function DashboardPage() {
  usePageTitle('Dashboard');
  const node = useNode();
  const { value: dashboard, error } = useLive(() => node.metrics.dashboard(), [], POLL_MS);
  return (
    <div className="dashboard" data-testid="dashboard">
      <section className="card" aria-labelledby="dashboard-title">
        <h1 id="dashboard-title">Dashboard</h1>
        <p className="muted">
          Every context this node holds, sampled every {dashboard ? Math.round(dashboard.sampleMs / 1000) : 5} s; the last hour is kept across reloads.
        </p>
        <ErrorAlert message={error && `The dashboard could not be read: ${error.message}`} />
      </section>
      <AlertSummary />
      {!dashboard ?
        <p className="loading" role="status">
          Reading this node’s health…
        </p>
      : dashboard.contexts.length === 0 ?
        <section className="card">
          <p className="muted">No contexts open here yet. Create or join one, and its health shows up here.</p>
        </section>
      : <>
          <section aria-label="Contexts" className="health-grid">
            {dashboard.contexts.map((c) => (
              <ContextHealthCard key={c.id} health={c} />
            ))}
          </section>
          <HealthPlots contexts={dashboard.contexts} />
          <AgreementTable matrix={dashboard.agreement} />
        </>
      }
      <DeviceHygiene />
    </div>
  );
}
