import type { ContextHealth, ReasonCount } from '../../node/index.ts';
import type { AnchorStatus } from '../../node/anchors/view.ts';
import { plainAnchorStatus, plainChainState } from '../contexts/anchorWords.ts';
import { plainLinkState } from '../contexts/linkWords.ts';
import { plainRefusedBy } from '../../node/words/closeWords.ts';
import { plainReason } from '../shell/reasonWords.ts';
import { countOf } from '../shell/wording.ts';
import { navigate } from '../shell/router.ts';
import { latestOf, valueText } from './plotSpecs.ts';

const BAD_ANCHOR: ReadonlySet<AnchorStatus> = new Set<AnchorStatus>(['withheld', 'mismatch', 'fork']);

function Reasons({ items, empty }: { items: ReasonCount[]; empty: string }) {
  if (!items.length) return <span className="muted">{empty}</span>;
  return (
    <span className="reasons">
      {items.map((r) => (
        <span key={r.reason} className="badge bad" data-reason={r.reason} title={r.reason}>
          {plainReason(r.reason)} × {r.count}
        </span>
      ))}
    </span>
  );
}

/** One context's health now: peers and links, sync lag, ops rates, refusals by reason, anchor. */
export function ContextHealthCard({ health }: { health: ContextHealth }) {
  const latest = health.series.at(-1);
  const peers = latest?.peers ?? health.links.filter((l) => l.state === 'verified').length;
  const refusedLinks = health.links.filter((l) => l.state === 'refused' || l.refusedBy).length;
  const linkCount = health.links.length + health.moreLinks;
  return (
    <article className="health card" data-testid="context-health" data-context={health.id} aria-labelledby={`health-${health.id}`}>
      <h3 id={`health-${health.id}`} className="health-title">
        <a
          href={`/contexts/${health.id}`}
          onClick={(e) => {
            e.preventDefault();
            navigate({ page: 'context', id: health.id });
          }}
        >
          {health.name}
        </a>
        {health.myRole && <span className="badge">{health.myRole}</span>}
        {!health.online && <span className="badge warn">offline</span>}
        {health.joining && <span className="badge warn">joining</span>}
      </h3>
      <dl className="facts">
        <dt>Peers</dt>
        <dd data-testid="health-peers">
          {countOf(peers, 'peer')} admitted · {countOf(linkCount, 'link')}
          {refusedLinks > 0 && <span className="error"> · {refusedLinks} refused</span>}
        </dd>
        <dt>Sync lag</dt>
        <dd data-testid="health-lag">
          {health.lag === null ?
            <span className="muted">{health.online ? 'not known yet: no peer has said how far it is' : 'not known while offline'}</span>
          : health.lag === 0 ?
            'in step'
          : `${countOf(health.lag, 'op')} behind`}
          <span className="muted small">
            {' '}
            {/* The best peer's count only beside a known lag: else it is an old reading, or none. */}
            ({health.opCount} here{health.lag === null ? '' : `, best peer ${Math.max(health.remoteOpCount, health.opCount)}`}; {health.pending} waiting for parents
            {health.stuck > 0 ? `, ${health.stuck} stuck` : ''})
          </span>
        </dd>
        <dt>Ops</dt>
        <dd data-testid="health-ops">
          {latest ?
            <>
              in {valueText(latest.opsIn, 'ops/s')} · out {valueText(latest.opsOut, 'ops/s')} · made here {valueText(latest.published, 'ops/s')}
            </>
          : <span className="muted">first sample soon</span>}
        </dd>
        <dt>Latency</dt>
        <dd>{latestOf(health.series, 'latencyMs') === null ? <span className="muted">no op from a peer lately</span> : `${valueText(latestOf(health.series, 'latencyMs'), 'ms')} (the latest measured)`}</dd>
        <dt>Invalid</dt>
        <dd data-testid="health-invalid">
          <Reasons items={health.invalid} empty="none" />
        </dd>
        <dt>Rejected</dt>
        <dd data-testid="health-rejected">
          <Reasons items={health.rejected} empty="none" />
        </dd>
        <dt>Anchor</dt>
        <dd data-testid="health-anchor">
          {!health.anchor ?
            <span className="muted">no chain bound</span>
          : <>
              <span className={`badge ${BAD_ANCHOR.has(health.anchor.status) ? 'bad' : health.anchor.status === 'in-sync' ? 'good' : ''}`} title={health.anchor.status} data-status={health.anchor.status}>
                {plainAnchorStatus(health.anchor.status)}
              </span>
              {health.anchor.seq && <span className="muted small"> seq {health.anchor.seq}</span>}
              {health.anchor.chain !== 'reading' && (
                <span className="muted small" title={health.anchor.chain}>
                  {' '}
                  · {plainChainState(health.anchor.chain)}
                </span>
              )}
              {health.anchor.message && <span className="muted small"> — {health.anchor.message}</span>}
            </>
          }
        </dd>
      </dl>
      {linkCount > 0 && (
        <details>
          <summary>Links ({linkCount})</summary>
          <ul className="list" data-testid="health-links">
            {health.links.map((l, i) => (
              <li key={`${i}-${l.label}`}>
                <span className={`badge ${l.refusedBy || l.state === 'refused' ? 'bad' : l.state === 'verified' ? 'good' : ''}`} title={l.state}>
                  {l.refusedBy ? 'Refuses this device' : plainLinkState(l.state)}
                </span>{' '}
                {/* Why this node refuses it, the rules' own text: the tooltip (the context's Sync panel words it with names). */}
                <span title={l.refusal}>{l.label}</span>
                {/* Why it refuses this device, worded by its code; its own sentence is the tooltip. */}
                {l.refusedBy && (
                  <span className="muted small" title={l.refusedBy}>
                    {' '}
                    — {plainRefusedBy(l.refusedByCode)}
                  </span>
                )}
              </li>
            ))}
            {health.moreLinks > 0 && <li className="muted">and {health.moreLinks} more</li>}
          </ul>
        </details>
      )}
    </article>
  );
}
