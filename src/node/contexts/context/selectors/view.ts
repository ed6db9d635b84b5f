import type { GovState } from '../../../../core/governance/state.ts';
import { sortOrigins, type RootId } from '../../../../core/identity/index.ts';
import type { PeerInfo } from '../../../../core/sync/contextSync.ts';
import { toHex } from '../../../../core/crypto/index.ts';
import type { Alert, CheckpointAgreement, ContextView, InvalidOpView, MemberView } from '../../view.ts';

/** Members with their roles and devices; online when this node or a verified peer acts as them. */
export function selectMembers(g: GovState, peers: readonly PeerInfo[], myRoot: RootId): MemberView[] {
  const onlineRoots = new Set(peers.filter((p) => p.state === 'verified').map((p) => p.root));
  return [...g.members].map(([root, m]) => ({
    root,
    role: m.role,
    me: root === myRoot,
    online: root === myRoot || onlineRoots.has(root),
    devices: [...g.keys].filter(([, k]) => k.root === root).map(([key, k]) => ({ key, label: k.label, revoked: g.revokedKeys.has(key), ...(k.origin ? { origin: k.origin } : {}) })),
  }));
}

/** The joining person's reading of why joining does not go on (none when it does, or is done). */
export function selectJoinProblem(input: {
  membershipProblem: string | undefined;
  joining: boolean;
  peers: readonly PeerInfo[];
  alerts: readonly Alert[];
  historySize: number;
}): string | undefined {
  if (input.membershipProblem) return input.membershipProblem;
  if (!input.joining) return undefined;
  const refusedBy = input.peers.find((p) => p.refusedBy)?.refusedBy;
  if (refusedBy) return `a member refused to share the history: ${refusedBy}`;
  const clock = input.alerts.findLast((a) => a.kind === 'clock');
  if (clock && input.historySize === 0) return clock.message;
  return undefined;
}

/** What a context's view is made of, as plain data (the node's running parts read it out). */
export interface ViewInput {
  id: string;
  recordName: string;
  g: GovState;
  me: { root: RootId; key: string };
  online: boolean;
  joining: boolean;
  joinProblem: string | undefined;
  peers: PeerInfo[];
  closedPeers: PeerInfo[];
  kv: ContextView['kv'];
  opCount: number;
  heads: string[];
  pending: number;
  stuck: number;
  invalidOps: InvalidOpView[];
  checkpoints: CheckpointAgreement[];
  alerts: Alert[];
  stateRoot: Uint8Array;
  governanceRoot: Uint8Array;
  catchUp?: ContextView['catchUp'];
}

/** Everything the UI shows about one context. */
export function selectView(v: ViewInput): ContextView {
  const { g, me, peers } = v;
  return {
    id: v.id,
    name: g.name || v.recordName,
    online: v.online,
    appId: toHex(g.appId),
    verifiable: g.verifiable,
    origins: sortOrigins(g.origins),
    ...(g.keys.get(me.key)?.origin ? { myOrigin: g.keys.get(me.key)!.origin! } : {}),
    myRoot: me.root,
    ...(g.members.get(me.root) ? { myRole: g.members.get(me.root)!.role } : {}),
    joining: v.joining,
    ...(v.joinProblem ? { joinProblem: v.joinProblem } : {}),
    members: selectMembers(g, peers, me.root),
    kv: v.kv,
    opCount: v.opCount,
    heads: v.heads,
    pending: v.pending,
    stuck: v.stuck,
    invalidOps: v.invalidOps,
    rejected: [],
    peers,
    closedPeers: v.closedPeers,
    checkpoints: v.checkpoints,
    alerts: v.alerts,
    stateRoot: toHex(v.stateRoot),
    governanceRoot: toHex(v.governanceRoot),
    remoteOpCount: Math.max(0, ...peers.map((p) => p.remoteCount ?? 0)),
    ...(v.catchUp ? { catchUp: v.catchUp } : {}),
  };
}
