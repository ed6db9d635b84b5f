import type { HygieneEntry, HygieneReason } from '../../core/identity/index.ts';
import { DAY_MS } from '../../core/identity/index.ts';
import { RotationDue } from '../identity/RotationDue.tsx';
import { formatDate } from '../shell/wording.ts';
import { useNode } from '../shell/nodeContext.ts';
import { PageLink } from '../shell/PageLink.tsx';
import { useLive } from '../shell/useLive.ts';
import { plainError } from '../shell/plainWords.ts';

/** Why one device needs attention, in words. */
function describe(reason: HygieneReason, entry: HygieneEntry, cadenceDays: number | null, now: number): string {
  switch (reason) {
    case 'expiring':
      return `delegation ends in ${entry.daysLeft} day${entry.daysLeft === 1 ? '' : 's'}`;
    case 'expired':
      return `delegation ended ${formatDate(entry.expiresAt)}`;
    case 'key-old':
      return `key older than ${cadenceDays} days`;
    case 'not-seen':
      return entry.lastSeen === undefined ? 'never seen in a context here' : `not seen for ${Math.floor((now - entry.lastSeen) / DAY_MS)} days`;
  }
}

/** One list of devices; `shows` picks the reasons that belong to it (a device may be on both). */
function HygieneTable(p: { title: string; entries: HygieneEntry[]; shows: (r: HygieneReason) => boolean; cadenceDays: number | null; now: number; testId: string }) {
  const { title, entries, cadenceDays, now, testId } = p;
  return (
    <>
      <h3>{title}</h3>
      <table className="devices" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Key</th>
            <th scope="col">Why</th>
            <th scope="col">Valid until</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.key} data-testid="hygiene-row" data-key={e.key}>
              <td>
                {e.label}
                {e.thisDevice && <span className="badge">This device</span>}
              </td>
              <td data-label="Key">
                <code>{e.key.slice(0, 10)}…</code>
              </td>
              <td data-label="Why">
                {e.reasons
                  .filter(p.shows)
                  .map((r) => describe(r, e, cadenceDays, now))
                  .join('; ')}
              </td>
              <td data-label="Valid until">{formatDate(e.expiresAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/**
 * This identity's devices that need attention, for the dashboard: delegations that end
 * soon, and stale devices (ended, unseen, or keyed longer ago than the rotation cadence).
 */
export function DeviceHygiene() {
  const node = useNode();
  const { value: report, error } = useLive(() => node.devices.hygiene(), [], 10_000);
  const { value: rotation } = useLive(() => node.devices.rotation.status(), [], 10_000);

  return (
    <section className="card" aria-labelledby="hygiene-title" data-testid="device-hygiene">
      <h2 id="hygiene-title">Device keys</h2>
      {error && <p className="muted">{plainError(error).text}</p>}
      {rotation && <RotationDue status={rotation} />}
      {report && report.expiring.length === 0 && report.stale.length === 0 && (
        <p className="muted" data-testid="hygiene-clear">
          Every device is in order: no delegation ends within {report.withinDays} days, and none is stale.
        </p>
      )}
      {report && report.expiring.length > 0 && (
        <HygieneTable title={`Expiring within ${report.withinDays} days`} entries={report.expiring} shows={(r) => r === 'expiring'} cadenceDays={report.cadenceDays} now={report.now} testId="hygiene-expiring" />
      )}
      {report && report.stale.length > 0 && (
        <HygieneTable title="Stale" entries={report.stale} shows={(r) => r !== 'expiring'} cadenceDays={report.cadenceDays} now={report.now} testId="hygiene-stale" />
      )}
      {report && (
        <p className="muted">
          Stale means ended, not seen for {report.staleAfterDays} days, or a key older than the rotation cadence.{' '}
          <PageLink to={{ page: 'identity' }}>Renew, rotate or revoke devices on the Identity page</PageLink>
          .
        </p>
      )}
    </section>
  );
}
