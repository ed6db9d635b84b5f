import { ALERT_KIND_NAMES, type AlertRecord } from '../../core/alerts/index.ts';
import { ProblemText } from '../shell/Problem.tsx';
import { formatDateTime as alertTime } from '../shell/wording.ts';

const SEVERITY_BADGE = { critical: 'bad', warning: 'warn', info: '' } as const;
const SEVERITY_NAME = { critical: 'Critical', warning: 'Warning', info: 'Info' } as const;

/** One alert as a list row: severity, kind, context, message (its detail folded), when and how often; acknowledge it when given a handler. */
export function AlertItem({ alert, onAcknowledge }: { alert: AlertRecord; onAcknowledge?: (id: string) => void }) {
  return (
    <li className="alert-item" data-testid="alert" data-id={alert.id} data-kind={alert.kind} data-acknowledged={alert.acknowledged}>
      <div className="alert-head">
        <span className={`badge ${SEVERITY_BADGE[alert.severity]}`}>{SEVERITY_NAME[alert.severity]}</span>
        <strong>{ALERT_KIND_NAMES[alert.kind]}</strong>
        {alert.contextName && <span className="muted">in {alert.contextName}</span>}
      </div>
      {/* The plain words; the technical text behind them (a rule's message, a close reason) folded away. */}
      <div className="alert-message">
        <ProblemText problem={{ text: alert.message, ...(alert.detail ? { detail: alert.detail } : {}) }} />
      </div>
      <div className="alert-foot small muted">
        <span>
          {alert.count === 1 ? `Seen ${alertTime(alert.lastSeen)}` : `Seen ${alert.count} times, first ${alertTime(alert.firstSeen)}, last ${alertTime(alert.lastSeen)}`}
        </span>
        {alert.acknowledged ?
          <span className="badge">Acknowledged</span>
        : onAcknowledge && (
            <button type="button" className="button small secondary" onClick={() => onAcknowledge(alert.id)}>
              Acknowledge
            </button>
          )
        }
      </div>
    </li>
  );
}
