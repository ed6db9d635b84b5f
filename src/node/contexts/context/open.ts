import * as Y from 'yjs';
import { toBase58 } from '../../../core/codec/index.ts';
import { fromHex, toHex } from '../../../core/crypto/index.ts';
import { anchoredRevokeBody, type KeyRevokedEvent } from '../../../core/anchor/binding.ts';
import { createReplica, type StateSink } from '../../../core/context/replica.ts';
import { rendezvous } from '../../../core/context/rendezvous.ts';
import type { CheckedOp } from '../../../core/governance/checkedOp.ts';
import type { ProofOptions } from '../../../core/identity/index.ts';
import { inviteCodec, signInvite, type Invite } from '../../../core/invitation/index.ts';
import type { Scheduler } from '../../../core/mesh/Scheduler.ts';
import { idKey, signOp, type OpBody } from '../../../core/ops/op.ts';
import type { Role } from '../../../core/ops/roles.ts';
import { createContextState, createWriteSession, type StateCall } from '../../../core/state/index.ts';
import type { ContextRecord, Store } from '../../../core/store/index.ts';
import { createContextSync, type ContextSync, type SyncEvent } from '../../../core/sync/contextSync.ts';
import { AppCallError, type ContextApp } from '../../apps/contextApp.ts';
import type { SigningIdentity } from '../../identityService.ts';
import type { NodeSettings } from '../../settings.ts';
import { membershipTasks } from '../membership.ts';
import type { MeshPort } from '../meshPort.ts';
import type { Alert, AuditEntry, CallOutcome, ContextView, EventView, MemberView, OpOutcome } from '../view.ts';
import { createAlerts } from './alerts.ts';
import { createAppHost } from './app.ts';
import { createAppCalls } from './appCalls.ts';
import { createCheckpoints, type AnchorHooks } from './checkpoints.ts';
import { createDerived } from './derived.ts';
import { createEventLog } from './events.ts';
import { createPersistence } from './persistence.ts';
import { selectAudit } from './selectors/audit.ts';
import { executorOf, publishedEventView, selectEvents } from './selectors/events.ts';
import { selectJoinProblem, selectView } from './selectors/view.ts';
import { createVerifier } from './verification.ts';

export type { AnchorClaim, AnchorHooks } from './checkpoints.ts';

/** A Yjs update that changes nothing. */
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

export const CONTEXT_TIMINGS = { checkpointMs: 4000, antiEntropyMs: 3000, snapshotEveryDeltas: 200 } as const;

export interface ContextDeps {
  record: ContextRecord;
  store: Store;
  identity: SigningIdentity;
  mesh: MeshPort;
  settings: NodeSettings;
  scheduler: Scheduler;
  now(): number;
  randomBytes(length: number): Uint8Array;
  onChange(): void;
  /** How contract-account proofs are checked (an RPC from Settings). */
  proofs: ProofOptions;
  /** The app of a context, once its genesis (and so its app id) is known. */
  appFor(appId: string, sync: ContextSync): Promise<ContextApp>;
  /** This member's private storage, decrypted / encrypted by the node's vault. */
  privateStorage: { load(context: string): Promise<[string, Uint8Array][]>; write(context: string, writes: [string, Uint8Array | null][]): Promise<void> };
}

/** Recorded calls re-run when a context opens (the newest ones). */
const RECHECK_ON_LOAD = 50;

/** One context, running: verified replica, state, sync over the mesh, checkpoints, snapshots. */
export async function openContext(d: ContextDeps) {
  const { record, store, identity } = d;
  const contextId = fromHex(record.id);
  const state = createContextState();
  const alerts = createAlerts(() => d.now());
  const alert = alerts.raise;
  const app = createAppHost({ contextKey: record.id, state, alerts, appFor: (appId, sync) => d.appFor(appId, sync), loadPrivate: (context) => d.privateStorage.load(context), onChange: d.onChange });
  // Valid state reaches the app's own replica (a worker's Y.Doc) through the same gate.
  const sink: StateSink = {
    apply(key, update) {
      state.apply(key, update);
      app.stateChanged(update);
    },
    rebuild(valid) {
      state.rebuild(valid);
      app.stateChanged(null);
    },
  };
  const replica = createReplica(contextId, sink, d.proofs);
  const eventLog = createEventLog(identity.root);
  const writeSession = createWriteSession(() => new DataView(d.randomBytes(4).buffer).getUint32(0));
  const persistence = createPersistence({ contextId: record.id, store, state, snapshotEveryDeltas: CONTEXT_TIMINGS.snapshotEveryDeltas });
  const derived = createDerived(replica, state);
  let closed = false;

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
    onChange: (event) => void onSyncEvent(event),
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
  const verifier = createVerifier({ contextId, replica, alerts, app: app.ensure, onChange: d.onChange });

  async function onSyncEvent(event: SyncEvent): Promise<void> {
    if (event.kind === 'rejected') {
      await store.putRejections(
        event.rejections.map((r) => ({ context: record.id, reason: r.reason, message: r.message, at: d.now(), ...(r.key ? { key: r.key } : {}), ...(event.from ? { from: event.from } : {}) })),
      );
      alert('rejected-op', `${event.rejections.length} op(s) refused: ${event.rejections[0]!.message}`);
    }
    if (event.kind === 'breach') alert('quota', event.message);
    if (event.kind === 'clock' && !alerts.list().some((a) => a.kind === 'clock' && a.message === event.message)) alert('clock', event.message);
    if (event.kind === 'checkpoint') await checkpoints.receive(event.bytes);
    if (event.kind === 'ops') {
      await tryJoin();
      await catchUpRevocations();
      // New deltas, and older ones a late op made valid (both once).
      const deltas = new Map([...event.result.added, ...event.result.accepted].filter((c) => c.op.body.kind === 'delta').map((c) => [c.key, c]));
      for (const c of deltas.values()) await onDelta(c);
    }
    d.onChange();
  }

  /** A delta from another node: show its events; re-run its recorded call if there is one. */
  async function onDelta(c: CheckedOp): Promise<void> {
    const body = c.op.body;
    if (body.kind !== 'delta' || c.author === myKey || !replica.verdict(c.key)?.valid) return;
    const executor = executorOf(replica.governance(), c);
    for (const e of body.events) eventLog.emit(publishedEventView(e, executor, c.key, d.now()));
    if (body.call) await verifier.verify(c.key);
  }

  function parents(): Uint8Array[] {
    return replica.parents();
  }

  async function publish(body: OpBody): Promise<OpOutcome> {
    const op = await signOp(identity.signer, { context: contextId, parents: parents(), time: d.now(), body });
    const result = await sync.publish([op]);
    const key = idKey(op.id);
    if (result.rejected.length) return { key, valid: false, reason: result.rejected[0]!.reason, message: result.rejected[0]!.message };
    d.onChange();
    const v = replica.verdict(key);
    return v?.valid ? { key, valid: true } : { key, valid: false, reason: v?.reason ?? 'unknown', message: v && !v.valid ? v.message : 'not judged' };
  }

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
  });
  const { tryJoin, catchUpRevocations } = membership;

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
    writePrivate: (context, writes) => d.privateStorage.write(context, writes),
    now: d.now,
  });

  // Start: snapshot, stored ops, then the mesh.
  await persistence.loadSnapshot();
  await sync.load(await persistence.storedOps());
  // Re-check the newest recorded calls of others after a reload (results are not stored).
  void verifier.recheck(myKey, RECHECK_ON_LOAD, () => closed);
  const room = rendezvous(contextId, record.secret);
  const joinMesh = () =>
    d.mesh.join({
      room: room.room,
      password: room.password,
      signalingUrls: record.signaling.length ? [...new Set([...record.signaling, ...d.settings.signalingUrls])] : d.settings.signalingUrls,
      iceServers: d.settings.iceServers,
      maxConns: d.settings.maxConns,
      iceTransportPolicy: d.settings.iceTransportPolicy,
      onLink: (link) => sync.addLink(link),
    });
  let meshHandle: { leave(): void } | undefined = joinMesh();
  checkpoints.start(1000);
  void tryJoin();
  void catchUpRevocations();

  const history = () => ({ ops: replica.dag.all(), verdict: replica.verdict });

  return {
    id: record.id,
    record,
    replica,
    state,
    sync,

    /** Shorthand for the key/value methods (`set`, `remove`) of the built-in app. */
    async write(call: StateCall): Promise<OpOutcome> {
      const outcome = await this.call(call.method, call.args);
      if (!outcome.op) throw new AppCallError('no-change', `${call.method} changed nothing`);
      return outcome.op;
    },

    call: calls.call,
    dryRun: calls.dryRun,

    /**
     * Publish an empty change whose parents are all the heads: one op whose causal past holds
     * everything here (an anchor names such an op).
     */
    mergeHeads: () => publish({ kind: 'delta', writer: 'merge', update: EMPTY_UPDATE, call: undefined, events: [] }),
    publishRawDelta: (delta: { update: Uint8Array; call?: { method: string; input: Uint8Array } }) =>
      publish({ kind: 'delta', writer: 'raw', update: delta.update, call: delta.call, events: [] }),

    methods: async () => (await app.ensure()).methods(),
    /**
     * Recent events: others' from the ops themselves (so a reload loses none), mine with
     * their whole payloads as this node saw them.
     */
    events: (): EventView[] => selectEvents(replica.governance(), history(), eventLog.mine()),
    onEvent: eventLog.onEvent,
    verify: verifier.verify,
    verifications: () => [...verifier.all().values()],

    /** Every op with who made it, from which device, and whether it counts. */
    audit: (): AuditEntry[] => selectAudit(replica.governance(), history(), verifier.all()),

    setRole: (member: MemberView['root'], role: Role) => publish({ kind: 'set-role', member, role }),
    remove: (member: MemberView['root']) => publish({ kind: 'remove', member }),
    changeOrigins: (add: string[], remove: string[]) => publish({ kind: 'set-origins', add, remove }),
    leave: () => publish({ kind: 'leave' }),
    catchUpRevocations,
    /** Raise an alert (the anchoring service reports what it finds on chain). */
    raiseAlert: (kind: Alert['kind'], message: string) => {
      alert(kind, message);
      d.onChange();
    },
    /** Let the anchoring service put its latest confirmed anchor in checkpoints and hear peers'. */
    attachAnchors(hooks: AnchorHooks | undefined): void {
      checkpoints.attachAnchors(hooks);
    },
    /** The root this context acts as here. */
    signingRoot: identity.root,
    /**
     * Import a key revocation read from the context's registry on chain, with its evidence,
     * so it takes effect here and at every peer (docs/governance.md, anchored revocations).
     */
    importChainRevocation: (e: KeyRevokedEvent) => publish(anchoredRevokeBody(e)),
    /**
     * Stop running the app (a reason) or allow it again (undefined): the anchoring service
     * holds the app to the hash the registry records.
     */
    refuseApp(reason: string | undefined): void {
      app.refuse(reason);
    },
    /** Who this open context signs as: the root, the device key (base58), its delegation's expiry. */
    signingAs: { root: identity.root as string, key: toBase58(identity.signer.publicKey), expiry: membership.myDelegationExpiry },
    /** Publish a root's signed revocation of one of its keys (canonical revocation bytes). */
    revokeKey: (revocation: Uint8Array) => publish({ kind: 'revoke-key', revocation }),

    /** Sign an invite with this device's key, carrying the rendezvous secret and signaling. */
    invite(options: { role: Role; expiresInMs: number; maxUses: number }): Promise<Invite> {
      return signInvite(identity.signer, {
        context: contextId,
        contextName: replica.governance().name || record.name,
        role: options.role,
        expiresAt: d.now() + options.expiresInMs,
        maxUses: options.maxUses,
        secret: record.secret,
        signaling: d.settings.signalingUrls,
        nonce: d.randomBytes(16),
      });
    },

    view(): ContextView {
      const peers = sync.peers();
      const local = derived.localView();
      const joining = Boolean(record.invite || record.rejoin);
      return selectView({
        id: record.id,
        recordName: record.name,
        g: replica.governance(),
        me: { root: identity.root, key: myKey },
        online: meshHandle !== undefined,
        joining,
        joinProblem: selectJoinProblem({ membershipProblem: membership.problem(), joining, peers, alerts: alerts.list(), historySize: replica.dag.size() }),
        peers,
        closedPeers: sync.closedPeers(),
        kv: derived.kvEntries(),
        opCount: replica.historySize(),
        heads: replica.heads(),
        pending: replica.dag.pendingCount(),
        stuck: state.stuck().length,
        invalidOps: derived.fromHistory().invalidOps,
        checkpoints: checkpoints.agreements(),
        alerts: [...alerts.list()],
        stateRoot: local.stateRoot,
        governanceRoot: local.governanceRoot,
      });
    },

    rejections: () => store.rejections(record.id),

    /** Work offline (leave the mesh; ops made meanwhile sync on return) or go back online. */
    setOnline(online: boolean): void {
      if (online && !meshHandle) meshHandle = joinMesh();
      if (!online && meshHandle) {
        meshHandle.leave();
        meshHandle = undefined;
      }
      d.onChange();
    },
    isOnline: () => meshHandle !== undefined,

    close(): void {
      closed = true;
      app.close();
      sync.stop();
      meshHandle?.leave();
    },
  };
}

export type RunningContext = Awaited<ReturnType<typeof openContext>>;
