import { fromHex, importBoxKeyPair, toHex, type BoxKeyPair } from '../../../core/crypto/index.ts';
import { createEpochKeys } from './epochKeys.ts';
import { closedGate, ignoreClosed } from './closedGate.ts';
import { openInviteBoxSecret } from './inviteBoxSecret.ts';
import { isRelay as isRelayRole } from '../../../core/epochs/entitled.ts';
import { unwrapEpochKey, wrapEpochKey } from '../../../adapters/webcrypto/epochKeyWrap.ts';
import { createReplica, type StateSink } from '../../../core/context/replica.ts';
import { inviteCodec } from '../../../core/invitation/index.ts';
import { createContextState, createWriteSession } from '../../../core/state/index.ts';
import { createContextSync } from '../../../core/sync/contextSync.ts';
import { membershipTasks } from '../membership.ts';
import { createAlerts } from './alerts.ts';
import { createAppHost } from './app.ts';
import { createAppCalls } from './appCalls.ts';
import { createCheckpoints } from './checkpoints.ts';
import { createDerived } from './derived.ts';
import { createEventLog } from './events.ts';
import { createPersistence } from './persistence.ts';
import { createOverwriteNotices } from './overwrites.ts';
import { sealerFor } from '../../../adapters/webcrypto/sealer.ts';
import { createOnline } from './online.ts';
import { createPublisher } from './publishing.ts';
import { createSyncEventHandler } from './syncEvents.ts';
import { createVerifier } from './verification.ts';
import { CONTEXT_TIMINGS, type ContextDeps } from './deps.ts';
import { createProjections } from './projections.ts';
import { runningContext } from './running.ts';
import { yieldToHost } from '../../yieldToHost.ts';

export type { AnchorClaim, AnchorHooks } from './checkpoints.ts';

export { CONTEXT_TIMINGS, type ContextDeps } from './deps.ts';

/** Recorded calls re-run when a context opens (the newest ones). */
const RECHECK_ON_LOAD = 50;

/**
 * Opening a long history: ops taken in per slice, a yield to the page after each; a snapshot
 * covering this many deltas is shown (`onOpening`) while the ops load.
 */
export const OPEN_LIMITS = { sliceOps: 256, previewFromDeltas: 2000 } as const;

/** One context, running: verified replica, state, sync over the mesh, checkpoints, snapshots. */
export async function openContext(d: ContextDeps) {
  const { record, identity } = d;
  let closed = false;
  // Every write of this context goes through the gate: none once it is closed, and a forget
  // waits for those under way (close() resolves once they settled) before deleting.
  const gate = closedGate(d.store, () => closed);
  const store = gate.store;
  const contextId = fromHex(record.id);
  const state = createContextState();
  const alerts = createAlerts(() => d.now());
  const alert = alerts.raise;
  let overwrites: ReturnType<typeof createOverwriteNotices> | undefined;
  // Read when asked, not at open: the role arrives with the history (and may change).
  const isRelay = () => isRelayRole(replica.governance().members.get(identity.root)?.role);
  const app = createAppHost({
    contextKey: record.id,
    state,
    alerts,
    appFor: (appId, sync) => d.appFor(appId, sync),
    loadPrivate: (context) => d.privateStorage.load(context),
    onChange: d.onChange,
    isRelay,
  });
  // Valid state reaches the app's own replica (a worker's Y.Doc) through the same gate.
  const sink: StateSink = {
    apply(key, update) {
      if (overwrites) overwrites.applying(key, () => state.apply(key, update));
      else state.apply(key, update);
      app.stateChanged(update);
    },
    rebuild(valid) {
      state.rebuild(valid);
      app.stateChanged(null);
    },
    sharedKey: (key) => state.loadedKey(key),
  };
  const replica = createReplica(contextId, sink, d.proofs);
  overwrites = createOverwriteNotices({ state, replica, myRoot: identity.root, onChange: d.onChange });
  const eventLog = createEventLog(identity.root);
  const writeSession = createWriteSession(() => new DataView(d.randomBytes(4).buffer).getUint32(0));
  const persistence = createPersistence({
    contextId: record.id,
    store,
    state,
    snapshotEveryDeltas: CONTEXT_TIMINGS.snapshotEveryDeltas,
    snapshotGap: { ms: CONTEXT_TIMINGS.snapshotGapMs, now: d.now },
    sealer: sealerFor(store),
    vault: d.vault,
    epochKeys: {
      current() {
        const ref = replica.epochKeyAt(replica.parents());
        const key = ref && replica.ring.get(ref.op);
        return key ? { keyOp: fromHex(ref.op), key } : undefined;
      },
      // Called once the context starts, after `epochs` below exists.
      get: (keyOp) => epochs.storedKey(toHex(keyOp)),
      randomBytes: d.randomBytes,
    },
  });
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
    persist: persistence.persist,
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
  let inviteBox: Promise<BoxKeyPair | undefined> | undefined;
  // The invite's box key while joining with it (the link carried its private half; the record
  // keeps it sealed by the vault), forgotten here too once the join settled.
  const openInviteBox = async (sealed: Uint8Array) => {
    const raw = await openInviteBoxSecret(d.vault, record.id, sealed);
    return raw && importBoxKeyPair(raw);
  };
  const epochs = createEpochKeys({
    contextId,
    contextKey: record.id,
    replica,
    store,
    wrap: (context, keyOp, raw) => wrapEpochKey(d.vault, context, keyOp, raw),
    unwrap: (context, keyOp, wrapped) => unwrapEpochKey(d.vault, context, keyOp, wrapped),
    deviceBox: d.boxKey,
    inviteBox: async () => (record.inviteBoxSecret ? await (inviteBox ??= openInviteBox(record.inviteBoxSecret)) : (inviteBox = undefined)),
    me: { root: identity.root, key: myKey },
    publish,
    scheduler: d.scheduler,
    now: d.now,
    randomBytes: d.randomBytes,
    isClosed: () => closed,
    onChange: d.onChange,
  });
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
    onInviteBoxGone: () => void (inviteBox = undefined),
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

  // Start: snapshot, stored ops (those sealed as verified are not verified again), then the mesh.
  const snapshotCovers = await persistence.loadSnapshot();
  await epochs.load();
  // A long history: its sealed snapshot is shown while the ops load (docs/decisions/opening-long-histories.md).
  let expected: number | undefined;
  if ((snapshotCovers ?? 0) >= OPEN_LIMITS.previewFromDeltas) d.onOpening?.(() => ({ ...projections.view(), opening: { have: replica.historySize(), ...(expected === undefined ? {} : { expected }) } }));
  const stored = await persistence.storedHistory();
  expected = stored.ops.length;
  // No change is reported per slice: every listener would run again (the directory's refresh
  // loops while changes come); views poll the opening's progress.
  const loaded = await sync.load(stored.ops, stored.trusted, { sliceOps: OPEN_LIMITS.sliceOps, between: yieldToHost });
  state.releaseLoadedKeys();
  await persistence.afterLoad(loaded, stored, snapshotCovers);
  // Boxes in the stored history whose keys were not kept (a crash between op and key).
  await epochs.observe(loaded).catch(() => undefined);
  overwrites.start();
  // Re-check the newest recorded calls of others after a reload (results are not stored).
  void verifier.recheck(myKey, RECHECK_ON_LOAD, () => closed);
  const onlineNow = createOnline({ contextId, record, settings: d.settings, mesh: d.mesh, sync, onChange: d.onChange });
  online = onlineNow;
  checkpoints.start(1000);
  void tryJoin().catch(ignoreClosed);
  void catchUpRevocations().catch(ignoreClosed);

  return runningContext({ d, contextId, replica, state, sync, app, calls, publish, projections, eventLog, verifier, checkpoints, membership, overwrites, online: onlineNow, alert, epochs, close: () => {
      closed = true;
      return gate.drained();
    },
  });
}

export type RunningContext = Awaited<ReturnType<typeof openContext>>;
