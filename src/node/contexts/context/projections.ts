import { isRelay } from '../../../core/epochs/entitled.ts';
import type { Replica } from '../../../core/context/replica.ts';
import type { RootId } from '../../../core/identity/index.ts';
import type { ContextState } from '../../../core/state/index.ts';
import type { ContextRecord } from '../../../core/store/index.ts';
import type { ContextSync } from '../../../core/sync/contextSync.ts';
import type { AlertsView, AuditEntry, CheckpointAgreement, ContextView, EventView, MemberView, VerificationView } from '../view.ts';
import type { Alerts } from './alerts.ts';
import type { Derived } from './derived.ts';
import type { EventLog } from './events.ts';
import { selectAudit } from './selectors/audit.ts';
import { selectEvents } from './selectors/events.ts';
import { selectJoinProblem, selectMembers, selectView } from './selectors/view.ts';
import { selectDeparture } from './selectors/departure.ts';

/** The running context read out as plain data, through the pure selectors. */
export function createProjections(p: {
  record: ContextRecord;
  me: { root: RootId; key: string };
  replica: Replica;
  state: ContextState;
  sync: ContextSync;
  derived: Derived;
  alerts: Alerts;
  events: EventLog;
  verifications(): ReadonlyMap<string, VerificationView>;
  agreements(): CheckpointAgreement[];
  membershipProblem(): string | undefined;
  isOnline(): boolean;
}) {
  const { record, replica, state, sync, derived } = p;
  /**
   * A member device of an encrypted context that holds none of its keys yet (a relay never
   * does). A joiner reading through its invite's key grants its own device before its join
   * counts as settled (membership's `afterJoin`).
   */
  function awaitingKey(): boolean {
    const g = replica.governance();
    const role = g.members.get(p.me.root)?.role;
    return g.epochKey !== undefined && role !== undefined && !isRelay(role) && replica.ring.entries().length === 0;
  }
  const history = () => ({ ops: replica.dag.all(), verdict: replica.verdict, deltaBody: replica.deltaBody });
  return {
    /**
     * Recent events: others' from the ops themselves (so a reload loses none), mine with
     * their whole payloads as this node saw them.
     */
    events: (): EventView[] => selectEvents(replica.governance(), history(), p.events.mine()),

    /** Every op with who made it, from which device, and whether it counts. */
    audit: (): AuditEntry[] => selectAudit(replica.governance(), history(), p.verifications()),

    /** view()'s fields the alerts service reads (after every change): none that walks the state. */
    alertsView(): Omit<AlertsView, 'rejected'> {
      const g = replica.governance();
      return {
        id: record.id,
        name: g.name || record.name,
        myRoot: p.me.root,
        alerts: [...p.alerts.list()],
        invalidOps: derived.fromHistory().invalidOps,
        peers: sync.peers(),
        closedPeers: sync.closedPeers(),
      };
    },

    /** view()'s members alone: who is who, for names, without walking the state. */
    members: (): MemberView[] => selectMembers(replica.governance(), sync.peers(), p.me.root),

    view(): ContextView {
      const peers = sync.peers();
      const catchUp = sync.catchUp();
      const local = derived.localView();
      // Still joining while the device holds no key of an encrypted context: a member grants one.
      const joining = Boolean(record.invite || record.rejoin) || awaitingKey();
      const departure = selectDeparture(replica.governance(), history(), p.me.root);
      const view = selectView({
        id: record.id,
        recordName: record.name,
        g: replica.governance(),
        me: p.me,
        online: p.isOnline(),
        joining,
        joinProblem: selectJoinProblem({ membershipProblem: p.membershipProblem(), joining, peers, alerts: p.alerts.list(), historySize: replica.dag.size() }),
        peers,
        closedPeers: sync.closedPeers(),
        kv: derived.kvEntries(),
        opCount: replica.historySize(),
        heads: replica.heads(),
        pending: replica.dag.pendingCount(),
        stuck: state.stuck().length,
        invalidOps: derived.fromHistory().invalidOps,
        checkpoints: p.agreements(),
        alerts: [...p.alerts.list()],
        stateRoot: local.stateRoot,
        governanceRoot: local.governanceRoot,
        ...(catchUp ? { catchUp } : {}),
      });
      const sealed = { waiting: replica.sealedCount(), unreadable: replica.unreadableOps().length };
      const readable = sealed.waiting || sealed.unreadable ? { ...view, sealed } : view;
      return departure ? { ...readable, departure } : readable;
    },
  };
}
