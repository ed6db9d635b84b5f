import { agreementMatrix, recentPoints, type AgreementMatrix, type HealthPoint } from '../../core/metrics/index.ts';
import type { Role } from '../../core/ops/roles.ts';
import type { PeerInfo } from '../../core/sync/contextSync.ts';
import type { RefusalCode } from '../../core/sync/messages.ts';
import type { AnchorStatus, AnchorsView } from '../anchors/view.ts';
import type { ContextView } from '../contexts/view.ts';
import { syncLag } from './samplePoint.ts';

/** How far back the dashboard's series reach. */
export const DASHBOARD_WINDOW_MS = 3_600_000;

/** The most links listed per context (the rest are counted). */
export const MAX_LINKS_LISTED = 20;

export interface ReasonCount {
  reason: string;
  count: number;
}

/** One context's health now, and its series over the last hour. */
export interface ContextHealth {
  id: string;
  name: string;
  myRole?: Role;
  online: boolean;
  joining: boolean;
  /** Open links, bounded to MAX_LINKS_LISTED; `moreLinks` counts the rest. */
  /** `refusedBy` is the peer's own sentence (a tooltip), `refusedByCode` what is worded. */
  links: { label: string; state: PeerInfo['state']; refusal?: string; refusedBy?: string; refusedByCode?: RefusalCode }[];
  moreLinks: number;
  opCount: number;
  /** What the best-informed peer says it has (at its last heads message). */
  remoteOpCount: number;
  /**
   * Ops behind the best-informed peer, plus ops waiting for their parents; null while no
   * admitted peer has said what it has (offline, or nobody connected): "in step" then would
   * be a guess, and a wrong one when others wrote meanwhile.
   */
  lag: number | null;
  pending: number;
  stuck: number;
  /** Ops in the DAG the rules refuse, by reason. */
  invalid: ReasonCount[];
  /** Ops rejected outright (never kept), by reason, from the stored (bounded) records. */
  rejected: ReasonCount[];
  /** Where the context's genesis binds a chain. */
  anchor?: { status: AnchorStatus; message?: string; chain: AnchorsView['chain']['state']; seq?: string; at?: number };
  series: HealthPoint[];
}

export interface DashboardView {
  at: number;
  sampleMs: number;
  windowMs: number;
  contexts: ContextHealth[];
  /** Peers × contexts: what each peer's latest checkpoint says. */
  agreement: AgreementMatrix;
}

/** Reasons with how often each occurs, most frequent first. */
export function countByReason(items: readonly { reason: string }[]): ReasonCount[] {
  const counts = new Map<string, number>();
  for (const { reason } of items) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

function anchorOf(a: AnchorsView | undefined): ContextHealth['anchor'] {
  if (!a) return undefined;
  return {
    status: a.status,
    chain: a.chain.state,
    ...(a.statusMessage ? { message: a.statusMessage } : {}),
    ...(a.latest ? { seq: a.latest.seq, at: a.latest.at } : {}),
  };
}

/** Whether this node can tell how far behind it is: online, with an admitted peer that told its history's size. */
export function lagKnown(view: Pick<ContextView, 'online' | 'peers'>): boolean {
  return view.online && view.peers.some((p) => p.state === 'verified' && !p.refusedBy && p.remoteCount !== undefined);
}

/** One context's health from its view and its series. */
export function contextHealth(view: ContextView, series: readonly HealthPoint[], now: number): ContextHealth {
  const open = view.peers.filter((p) => p.state !== 'closed');
  const anchor = anchorOf(view.anchors);
  return {
    id: view.id,
    name: view.name,
    ...(view.myRole ? { myRole: view.myRole } : {}),
    online: view.online,
    joining: view.joining,
    links: open.slice(0, MAX_LINKS_LISTED).map((p) => ({
      label: p.label ?? 'unidentified peer',
      state: p.state,
      ...(p.refusal ? { refusal: p.refusal } : {}),
      ...(p.refusedBy ? { refusedBy: p.refusedBy } : {}),
      ...(p.refusedByCode ? { refusedByCode: p.refusedByCode } : {}),
    })),
    moreLinks: Math.max(0, open.length - MAX_LINKS_LISTED),
    opCount: view.opCount,
    remoteOpCount: view.remoteOpCount,
    lag: lagKnown(view) ? syncLag(view) : null,
    pending: view.pending,
    stuck: view.stuck,
    invalid: countByReason(view.invalidOps),
    rejected: countByReason(view.rejected),
    ...(anchor ? { anchor } : {}),
    series: recentPoints(series, now, DASHBOARD_WINDOW_MS),
  };
}

/** The whole dashboard: every open context's health and the checkpoint-agreement matrix. */
export function dashboardOf(views: readonly ContextView[], seriesOf: (id: string) => readonly HealthPoint[], now: number, sampleMs: number): DashboardView {
  const sorted = [...views].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return {
    at: now,
    sampleMs,
    windowMs: DASHBOARD_WINDOW_MS,
    contexts: sorted.map((v) => contextHealth(v, seriesOf(v.id), now)),
    agreement: agreementMatrix(sorted.map((v) => ({ id: v.id, name: v.name, peers: v.peers.filter((p) => p.state !== 'closed'), checkpoints: v.checkpoints }))),
  };
}
