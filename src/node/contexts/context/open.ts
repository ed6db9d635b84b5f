import { fromHex, toHex } from '../../../core/crypto/index.ts';
import { inviteCodec } from '../../../core/invitation/index.ts';
import { createWriteSession } from '../../../core/state/index.ts';
import { createContextSync } from '../../../core/sync/contextSync.ts';
import { membershipTasks } from '../membership.ts';
import { createAlerts } from './alerts.ts';
import { createAppCalls } from './appCalls.ts';
import { createCheckpoints } from './checkpoints.ts';
import { closedGate, ignoreClosed } from './closedGate.ts';
import { CONTEXT_TIMINGS, type ContextDeps } from './deps.ts';
import { createDerived } from './derived.ts';
import { deviceEpochKeys } from './deviceEpochKeys.ts';
import { createEventLog } from './events.ts';
import { historyIn, loadHistory } from './storedHistory.ts';
import { createOnline } from './online.ts';
import { createProjections } from './projections.ts';
import { createPublisher } from './publishing.ts';
import { createReplicaHost } from './replicaHost.ts';
import { runningContext } from './running.ts';
import { createSyncEventHandler } from './syncEvents.ts';
import { createVerifier } from './verification.ts';
import { yieldToHost } from '../../yieldToHost.ts';

export type { AnchorClaim, AnchorHooks } from './checkpoints.ts';

export { CONTEXT_TIMINGS, type ContextDeps } from './deps.ts';

/** Recorded calls re-run when a context opens (the newest ones). */
const RECHECK_ON_LOAD = 50;

/** One context, running: verified replica, state, sync over the mesh, checkpoints, snapshots. */
export async function openContext(d: ContextDeps) {
  const { record, identity } = d;
  let closed = false;
  // Every write of this context goes through the gate: none once it is closed, and a forget
  // waits for those under way (close() resolves once they settled) before deleting.
  const gate = closedGate(d.store, () => closed);
  const store = gate.store;
  const contextId = fromHex(record.id);
  const alerts = createAlerts(() => d.now());
  const alert = alerts.raise;
  const { state, app, replica, overwrites, isRelay } = createReplicaHost(d, contextId, alerts);
  const eventLog = createEventLog(identity.root);
  const writeSession = createWriteSession(() => new DataView(d.randomBytes(4).buffer).getUint32(0));
  // Epoch keys are asked for once the context starts, after `epochs` below exists.
  const persistence = historyIn(d, { store, state, replica, storedKey: (keyOp) => epochs.storedKey(keyOp) });
  const derived = createDerived(replica, state);

  const myKey = toHex(identity.signer.publicKey);
  const isMember = () => replica.governance().members.has(identity.root);

  const sync = createContextSync({
    replica,
    identity: {
      signer: identity.signer,
      delegation: identity.delegation,
      credential: () => (record.invite && !isMember() ? { kind: 'invite', invite: inviteCodec.decode(record.invite) } : { kind: 'member' }),
    },
    scheduler: d.scheduler,
    randomBytes: d.randomBytes,
    now: d.now,
    antiEntropyMs: CONTEXT_TIMINGS.antiEntropyMs,
    // A peer's ops were shown already: views read them before the store's write takes the
    // page's thread. Held by the gate from here, so a close meanwhile still stores them.
    persist: (ops, { received }) =>
      gate.hold('storing ops', async () => {
        if (received) await yieldToHost();
        await persistence.persist(ops);
      }),
    onChange: (event) => {
      d.observeSync?.(event);
      // Keys in new ops are opened first, so joining and views see the state they unlock.
      void (event.kind === 'ops' ? epochs.observe(event.result).catch(() => undefined) : Promise.resolve()).then(() => onSyncEvent(event)).catch(ignoreClosed);
    },
    apps: { get: (hash) => store.app(hash), put: (hash, bytes) => store.putApp(hash, bytes) },
  });
  app.bind(replica, sync);

  const checkpoints = createCheckpoints({
    contextId,
    contextKey: record.id,
    signer: identity.signer,
    replica,
    derived,
    alerts,
    scheduler: d.scheduler,
    checkpointMs: CONTEXT_TIMINGS.checkpointMs,
    now: d.now,
    isClosed: () => closed,
    broadcast: (bytes) => sync.broadcastCheckpoint(bytes),
  });
  const verifier = createVerifier({ contextId, replica, alerts, app: app.ensure, onChange: d.onChange, isRelay });

  const publish = createPublisher({ signer: identity.signer, contextId, replica, sync, now: d.now, onChange: d.onChange, sealer: () => epochs });
  const { epochs, inviteBoxGone } = deviceEpochKeys(d, { contextId, replica, store, publish, isClosed: () => closed });
  const parents = () => replica.parents();

  const membership = membershipTasks({
    record,
    store,
    identity,
    replica,
    contextId,
    proofs: d.proofs,
    now: d.now,
    isClosed: () => closed,
    parents,
    publish,
    publishSigned: (op) => sync.publish([op]),
    alert,
    onChange: d.onChange,
    boxKey: d.boxKey,
    afterJoin: () => epochs.grantOwnDevice(),
    onInviteBoxGone: inviteBoxGone,
    keyHeld: () => epochs.headsKeyHeld(),
  });
  const { tryJoin, catchUpRevocations } = membership;
  const onSyncEvent = createSyncEventHandler({
    contextKey: record.id,
    myKey,
    store,
    replica,
    alerts,
    events: eventLog,
    receiveCheckpoint: checkpoints.receive,
    verify: verifier.verify,
    tryJoin,
    catchUpRevocations,
    now: d.now,
    onChange: d.onChange,
  });

  const calls = createAppCalls({
    contextKey: record.id,
    contextId,
    myRoot: identity.root,
    replica,
    state,
    writeSession,
    app,
    events: eventLog,
    publish,
    writePrivate: (context, writes) => gate.run('a private storage write', () => d.privateStorage.write(context, writes)),
    now: d.now,
  });

  let online: ReturnType<typeof createOnline> | undefined;
  const projections = createProjections({
    record,
    me: { root: identity.root, key: myKey },
    replica,
    state,
    sync,
    derived,
    alerts,
    events: eventLog,
    verifications: verifier.all,
    agreements: checkpoints.agreements,
    membershipProblem: membership.problem,
    isOnline: () => online?.isOnline() ?? false,
  });

  // Start: what is stored (sealed ops are not verified again), then the mesh.
  await loadHistory(d, { persistence, epochs, sync, state, replica, view: () => projections.view() });
  overwrites.start();
  // Re-check the newest recorded calls of others after a reload (results are not stored).
  void verifier.recheck(myKey, RECHECK_ON_LOAD, () => closed);
  const onlineNow = createOnline({ contextId, record, settings: d.settings, mesh: d.mesh, sync, onChange: d.onChange });
  online = onlineNow;
  checkpoints.start(1000);
  void tryJoin().catch(ignoreClosed);
  void catchUpRevocations().catch(ignoreClosed);

  return runningContext({ d, contextId, replica, state, sync, app, calls, publish, projections, eventLog, verifier, checkpoints, membership, overwrites, online: onlineNow, alert, epochs, close: () => {
      // Ops taken in before the close are still stored, also those whose write is queued behind
      // the one under way (the node showed them): the gate lets writes through until then.
      const taken = gate.hold('storing the ops taken in', () => sync.stored());
      closed = true;
      return taken.then(gate.drained, gate.drained);
    },
  });
}

export type RunningContext = Awaited<ReturnType<typeof openContext>>;
