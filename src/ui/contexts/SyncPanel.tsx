import type { PeerStanding } from '../../core/sync/handshake.ts';
import type { ContextView } from '../../node/index.ts';
import { useNode } from '../shell/nodeContext.ts';
import { ProblemText } from '../shell/Problem.tsx';
import { plainOpKind } from '../shell/opKindWords.ts';
import { plainAlertKind, plainReason } from '../shell/reasonWords.ts';
import { countOf, formatDateTime } from '../shell/wording.ts';
import { plainCloseReason, plainLinkState, plainStanding, UNNAMED_PEER } from './linkWords.ts';
import { shortRoot } from './memberNames.ts';

const COMPARISON_TEXT = { agree: 'agrees', 'different-heads': 'not comparable yet', diverged: 'DIVERGED' } as const;

const time = formatDateTime;

/**
 * A root id inside a sentence (CAIP-10: tabnode:local:…, eip155:1:0x…, starknet:…:0x…). It
 * never ends in '.': a full stop after it ends the sentence, not the id.
 */
const ROOT_IN_TEXT = /\b(?:tabnode:local|eip155:\d+|starknet:[-_a-zA-Z0-9]+):[-.%a-zA-Z0-9]*[-%a-zA-Z0-9]/g;

/**
 * A peer's reason with root ids replaced by the names people know (you, or a member's device
 * label); a root nobody here names (an outsider) cut short.
 */
function namesFor(text: string, view: ContextView): string {
  let out = text.replaceAll(view.myRoot, 'you');
  for (const m of view.members) {
    const label = m.devices.find((d) => !d.revoked)?.label;
    // "Carol laptop (tabnode:local:…)" reads as "Carol laptop".
    if (label) out = out.replaceAll(`${label} (${m.root})`, label).replaceAll(m.root, label);
  }
  return out.replace(ROOT_IN_TEXT, (root) => shortRoot(root)).replace(/^you is /, 'you are ');
}

/** Rejections with the same reason and message, one row each (a flood reads as one line). */
function groupRejections(records: ContextView['rejected']): { reason: string; message: string; count: number; at: number }[] {
  const groups = new Map<string, { reason: string; message: string; count: number; at: number }>();
  for (const r of records) {
    const key = `${r.reason}\n${r.message}`;
    const g = groups.get(key);
    if (g) {
      g.count++;
      g.at = Math.max(g.at, r.at);
    } else groups.set(key, { reason: r.reason, message: r.message, count: 1, at: r.at });
  }
  return [...groups.values()];
}

/** Links, heads, progress, refused and invalid ops, checkpoint agreement, alerts. */
export function SyncPanel({ view }: { view: ContextView }) {
  const node = useNode();
  const verified = view.peers.filter((p) => p.state === 'verified');
  const target = Math.max(view.remoteOpCount, view.opCount);
  // While catching up, the same reading as the context page's bar (ops checked so far count).
  const progress = view.catchUp ? view.catchUp.have / Math.max(1, view.catchUp.expected) : target === 0 ? 1 : view.opCount / target;
  return (
    <section className="card" aria-labelledby="sync-title" data-testid="sync-panel">
      <div className="heading-row">
        <h2 id="sync-title">Sync</h2>
        <button type="button" className="button small secondary" onClick={() => void node.contexts.open(view.id).setOnline(!view.online)}>
          {view.online ? 'Work offline' : 'Go back online'}
        </button>
      </div>
      {!view.online && (
        <p className="notice" role="status">
          Offline: changes you make are kept and signed here, and sync when you go back online.
        </p>
      )}
      <dl className="facts">
        <dt>Ops</dt>
        <dd data-testid="op-count">
          {view.opCount}
          {view.pending > 0 && <span className="muted"> ({view.pending} waiting for their parents)</span>}
          {view.stuck > 0 && (
            <span className="muted" title="Valid changes that build on a change later found invalid: they wait, the same way on every peer.">
              {' '}
              ({countOf(view.stuck, 'valid change')} waiting on invalidated content)
            </span>
          )}
        </dd>
        <dt>Catch-up</dt>
        <dd>
          <progress max={1} value={progress} aria-label="Catch-up progress" /> {Math.round(progress * 100)}%
        </dd>
        <dt>Heads</dt>
        <dd>
          {view.heads.map((h) => (
            <code key={h} className="id small">
              {h.slice(0, 10)}
            </code>
          ))}
        </dd>
        <dt>State root</dt>
        <dd>
          <code className="id small" data-testid="state-root">
            {view.stateRoot.slice(0, 16)}
          </code>
        </dd>
      </dl>

      <h3>Links ({verified.length} verified)</h3>
      {view.peers.length === 0 ?
        <p className="muted">No peers connected.</p>
      : <ul className="list" data-testid="links">
          {view.peers.map((p) => (
            <li key={p.linkId} data-state={p.state}>
              <span className={`badge ${p.refusedBy ? 'bad' : p.state === 'verified' ? 'good' : p.state === 'refused' ? 'bad' : ''}`} title={p.state}>
                {p.refusedBy ? 'Refuses us' : plainLinkState(p.state)}
              </span>{' '}
              <span title={p.linkId}>{p.label ?? UNNAMED_PEER}</span> {p.standing && <span className="muted">({plainStanding(standingOf(p.standing, p.root, view))})</span>}
              {p.refusal && <span className="muted"> — we refused it: {namesFor(p.refusal, view)}</span>}
              {p.refusedBy && <span className="muted"> — it refused us: {namesFor(p.refusedBy, view)}</span>}
              {p.ignoredOps > 0 && <span className="muted"> — {p.ignoredOps} ops it sent were ignored (not admitted)</span>}
              {p.throttled && <span className="muted"> — throttled: {p.throttled}</span>}
              <span className="muted small">
                ↓{p.received.ops} ops / {Math.round(p.received.bytes / 1024)} KiB · ↑{p.sent.ops} ops / {Math.round(p.sent.bytes / 1024)} KiB
              </span>
            </li>
          ))}
        </ul>
      }

      {view.closedPeers.length > 0 && (
        <details>
          <summary>Closed links ({view.closedPeers.length})</summary>
          <ul className="list" data-testid="closed-links">
            {view.closedPeers.map((p, i) => (
              <li key={`${p.linkId}-${i}`}>
                <span title={p.linkId}>{p.label ?? UNNAMED_PEER}:</span>{' '}
                <span className="muted" title={p.closeReason}>
                  {plainCloseReason(p.closeReason, (text) => namesFor(text, view))}
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}

      <h3>Checkpoints</h3>
      {view.checkpoints.length === 0 ?
        <p className="muted">No checkpoints from peers yet.</p>
      : <ul className="list" data-testid="checkpoints">
          {view.checkpoints.map((c) => (
            <li key={c.peer}>
              <span className={`badge ${c.comparison === 'agree' ? 'good' : c.comparison === 'diverged' ? 'bad' : ''}`}>{COMPARISON_TEXT[c.comparison]}</span> {c.label}{' '}
              <span className="muted">at {time(c.at)}</span>
            </li>
          ))}
        </ul>
      }

      <h3>Rejected and invalid ops</h3>
      {view.invalidOps.length + view.rejected.length === 0 ?
        <p className="muted">None.</p>
      : <ul className="list" data-testid="invalid-ops">
          {view.invalidOps.map((o) => (
            <li key={o.key} data-key={o.key} data-reason={o.reason}>
              <span className="badge bad" title={o.reason}>
                {plainReason(o.reason)}
              </span>{' '}
              <span title={o.kind}>{plainOpKind(o.kind)}</span> by {namesFor(o.author, view)}: {namesFor(o.message, view)}
            </li>
          ))}
          {groupRejections(view.rejected).map((g, i) => (
            <li key={`r${i}`} data-reason={g.reason} data-count={g.count}>
              <span className="badge bad" title={g.reason}>
                {plainReason(g.reason)}
              </span>{' '}
              {g.count > 1 ? `${g.count} ops refused, the last at` : 'refused at'} {time(g.at)}: {namesFor(g.message, view)}
            </li>
          ))}
        </ul>
      }

      {view.alerts.length > 0 && (
        <>
          <h3>Alerts</h3>
          <ul className="list" data-testid="alerts">
            {view.alerts.map((a, i) => (
              <li key={i} className={a.kind === 'divergence' ? 'error' : ''} data-kind={a.kind}>
                <span className="badge warn" title={a.kind}>
                  {plainAlertKind(a.kind)}
                </span>{' '}
                {time(a.at)} — <ProblemText problem={{ text: namesFor(a.message, view), ...(a.detail ? { detail: namesFor(a.detail, view) } : {}) }} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** A link's standing as shown: a member that is a relay says so (members catch up from it). */
function standingOf(standing: PeerStanding, root: string | undefined, view: ContextView): PeerStanding | 'relay' {
  const relay = standing === 'member' && root !== undefined && view.members.some((m) => m.root === root && m.role === 'relay');
  return relay ? 'relay' : standing;
}
