import * as Y from 'yjs';
import { toBase58 } from '../../core/codec/index.ts';
import { bytesEqual, fromHex, toHex } from '../../core/crypto/index.ts';
import { publishedEvents } from '../../runtime/events.ts';
import type { StateSink } from '../../core/context/replica.ts';
import type { CheckedOp } from '../../core/governance/checkedOp.ts';
import { AppCallError, type ContextApp } from '../apps/contextApp.ts';
import { createReplica } from '../../core/context/replica.ts';
import { stateAtParents } from '../../core/context/stateAtParents.ts';
import { describePayload, parseJson } from './payloads.ts';
import type { Scheduler } from '../../core/mesh/Scheduler.ts';
import type { ContextRecord, Store } from '../../core/store/index.ts';
import type { ContextSync } from '../../core/sync/contextSync.ts';
import type { SigningIdentity } from '../identityService.ts';
import { sortOrigins, type ProofOptions } from '../../core/identity/index.ts';
import type { NodeSettings } from '../settings.ts';
import { membershipTasks } from './membership.ts';
import type { MeshPort } from './meshPort.ts';
import type { AuditEntry, CallOutcome, EventView, VerificationView } from './view.ts';
import { anchoredRevokeBody, type KeyRevokedEvent } from '../../core/anchor/binding.ts';
import { rendezvous } from '../../core/context/rendezvous.ts';
import { inviteCodec, signInvite, type Invite } from '../../core/invitation/index.ts';
import { idKey, signOp, type OpBody } from '../../core/ops/op.ts';
import type { Role } from '../../core/ops/roles.ts';
import {
  compareCheckpoint,
  createContextState,
  createWriteSession,
  decodeCheckpoint,
  encodeCheckpoint,
  governanceRoot,
  readKv,
  signCheckpoint,
  snapshotCodec,
  verifyCheckpoint,
  type Checkpoint,
  type StateCall,
} from '../../core/state/index.ts';
import { createContextSync, type PeerInfo, type SyncEvent } from '../../core/sync/contextSync.ts';
import type { Alert, CheckpointAgreement, ContextView, InvalidOpView, MemberView, OpOutcome } from './view.ts';

/** The latest anchor a node has confirmed on chain, as checkpoints carry it. */
export type AnchorClaim = NonNullable<Checkpoint['anchor']>;

export interface AnchorHooks {
  claim(): AnchorClaim | undefined;
  /** A member's checkpoint named this anchor (its signature and key were checked). */
  peerClaim(claim: AnchorClaim, peerLabel: string): void;
}

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

const MAX_ALERTS = 50;
const MAX_EVENTS = 200;
/** Recorded calls re-run when a context opens (the newest ones). */
const RECHECK_ON_LOAD = 50;

/** One context, running: verified replica, state, sync over the mesh, checkpoints, snapshots. */
export async function openContext(d: ContextDeps) {
  const { record, store, identity } = d;
  const contextId = fromHex(record.id);
  const state = createContextState();
  let app: ContextApp | undefined;
  // Valid state reaches the app's own replica (a worker's Y.Doc) through the same gate.
  const sink: StateSink = {
    apply(key, update) {
      state.apply(key, update);
      app?.stateChanged(state.doc, update);
    },
    rebuild(valid) {
      state.rebuild(valid);
      app?.stateChanged(state.doc, null);
    },
  };
  const replica = createReplica(contextId, sink, d.proofs);
  const events: EventView[] = [];
  const eventListeners = new Set<(e: EventView) => void>();
  const verifications = new Map<string, VerificationView>();
  const writeSession = createWriteSession(() => new DataView(d.randomBytes(4).buffer).getUint32(0));
  const alerts: Alert[] = [];
  const agreements = new Map<string, CheckpointAgreement>();
  let deltasSinceSnapshot = 0;
  let closed = false;

  const alert = (kind: Alert['kind'], message: string) => {
    alerts.push({ at: d.now(), kind, message });
    if (alerts.length > MAX_ALERTS) alerts.shift();
  };

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
    async persist(ops) {
      await store.putOps(record.id, ops.map((c) => ({ key: c.key, bytes: c.bytes })));
      deltasSinceSnapshot += ops.filter((c) => c.op.body.kind === 'delta').length;
      if (deltasSinceSnapshot >= CONTEXT_TIMINGS.snapshotEveryDeltas) {
        deltasSinceSnapshot = 0;
        await store.putSnapshot(record.id, snapshotCodec.encode(state.takeSnapshot()));
      }
    },
    onChange: (event) => void onSyncEvent(event),
    apps: { get: (hash) => store.app(hash), put: (hash, bytes) => store.putApp(hash, bytes) },
  });

  async function onSyncEvent(event: SyncEvent): Promise<void> {
    if (event.kind === 'rejected') {
      await store.putRejections(
        event.rejections.map((r) => ({ context: record.id, reason: r.reason, message: r.message, at: d.now(), ...(r.key ? { key: r.key } : {}), ...(event.from ? { from: event.from } : {}) })),
      );
      alert('rejected-op', `${event.rejections.length} op(s) refused: ${event.rejections[0]!.message}`);
    }
    if (event.kind === 'breach') alert('quota', event.message);
    if (event.kind === 'clock' && !alerts.some((a) => a.kind === 'clock' && a.message === event.message)) alert('clock', event.message);
    if (event.kind === 'checkpoint') await takeCheckpoint(event.bytes);
    if (event.kind === 'ops') {
      await tryJoin();
      await catchUpRevocations();
      // New deltas, and older ones a late op made valid (both once).
      const deltas = new Map([...event.result.added, ...event.result.accepted].filter((c) => c.op.body.kind === 'delta').map((c) => [c.key, c]));
      for (const c of deltas.values()) await onDelta(c);
    }
    d.onChange();
  }

  async function takeCheckpoint(bytes: Uint8Array): Promise<void> {
    let cp;
    try {
      cp = decodeCheckpoint(bytes);
    } catch {
      return;
    }
    if (idKey(cp.context) !== record.id || !(await verifyCheckpoint(cp))) return;
    const comparison = compareCheckpoint(localView(), cp);
    const peerKey = toHex(cp.author);
    const label = replica.governance().keys.get(peerKey)?.label ?? peerKey.slice(0, 8);
    if (cp.anchor && replica.governance().keys.has(peerKey)) anchorHooks?.peerClaim(cp.anchor, label);
    const previous = agreements.get(peerKey)?.comparison;
    agreements.set(peerKey, { peer: peerKey, label, comparison, at: d.now() });
    if (comparison === 'diverged' && previous !== 'diverged') {
      alert('divergence', `${label} has the same ops but a different state: one of us is faulty or tampered with`);
    }
  }

  // What views and checkpoints derive from the whole history or state, recomputed only when
  // it can have changed: verdicts and governance change only as a receive changes the DAG,
  // the state only when its root (cached by the state itself) is a new object.
  let derivedAt = -1;
  let derived: { governanceRoot: Uint8Array; invalidOps: InvalidOpView[] } = { governanceRoot: new Uint8Array(32), invalidOps: [] };
  let kvFor: Uint8Array | undefined;
  let kv: ContextView['kv'] = [];

  function fromHistory() {
    if (derivedAt === replica.changes()) return derived;
    const g = replica.governance();
    const invalidOps: InvalidOpView[] = [];
    for (const c of replica.dag.all()) {
      const v = replica.verdict(c.key);
      if (v && !v.valid) {
        const author = g.keys.get(c.author);
        invalidOps.push({ key: c.key, kind: c.op.body.kind, author: author ? `${author.label} (${author.root})` : c.author.slice(0, 12), reason: v.reason, message: v.message, time: c.op.time });
      }
    }
    derived = { governanceRoot: governanceRoot(g), invalidOps: invalidOps.slice(-100) };
    derivedAt = replica.changes();
    return derived;
  }

  function kvEntries(): ContextView['kv'] {
    const root = state.root();
    if (root !== kvFor) {
      kv = readKv(state.doc);
      kvFor = root;
    }
    return kv;
  }

  function localView() {
    const heads = replica.heads().slice(0, 64).map(fromHex);
    return { heads, governanceRoot: fromHistory().governanceRoot, stateRoot: state.root() };
  }

  function checkpointLoop(): void {
    if (closed) return;
    const view = localView();
    void signCheckpoint(identity.signer, {
      context: contextId,
      heads: view.heads,
      governanceRoot: view.governanceRoot,
      stateRoot: view.stateRoot,
      opCount: replica.historySize(),
      time: d.now(),
      anchor: anchorHooks?.claim(),
    }).then((cp) => sync.broadcastCheckpoint(encodeCheckpoint(cp)));
    d.scheduler.schedule(CONTEXT_TIMINGS.checkpointMs, checkpointLoop);
  }

  /** Tell listeners; keep my own events (their whole payloads exist only here). */
  function emit(e: EventView): void {
    if (e.executor === identity.root) {
      events.push(e);
      if (events.length > MAX_EVENTS) events.shift();
    }
    for (const l of eventListeners) l(e);
  }

  /** A delta from another node: show its events; re-run its recorded call if there is one. */
  async function onDelta(c: CheckedOp): Promise<void> {
    const body = c.op.body;
    if (body.kind !== 'delta' || c.author === myKey || !replica.verdict(c.key)?.valid) return;
    const executor = replica.governance().keys.get(c.author)?.root ?? c.author;
    for (const e of body.events) {
      emit({ name: e.name, payload: e.hashed ? `sha256:${toHex(e.payload)}` : describePayload(e.payload), hashed: e.hashed, executor, opKey: c.key, at: d.now() });
    }
    if (body.call) await verifyCall(c.key);
  }

  /**
   * Verifiable execution: re-run a delta's recorded call against the state at its parents,
   * as its author, with the Yjs client id its update used, and compare the updates.
   */
  async function verifyCall(opKey: string): Promise<VerificationView | undefined> {
    const c = replica.dag.get(opKey);
    const body = c?.op.body;
    if (!c || body?.kind !== 'delta' || !body.call) return undefined;
    const executor = replica.governance().keys.get(c.author)?.root ?? c.author;
    const base: VerificationView = { opKey, method: body.call.method, executor, result: 'failed', message: '' };
    let view: VerificationView;
    try {
      const doc = stateAtParents(replica, c);
      const clientID = [...Y.parseUpdateMeta(body.update).to.keys()][0] ?? 0;
      const runner = await ensureApp();
      const rerun = await runner.call(body.call.method, body.call.input, { executor, contextId, doc, clientID });
      const same = rerun.update !== null && bytesEqual(rerun.update, body.update);
      view = same
        ? { ...base, result: 'confirmed', message: 'the re-run produced the identical update' }
        : { ...base, result: 'mismatch', message: 'the re-run produced a different update than the op carries' };
    } catch (e) {
      view = { ...base, result: 'mismatch', message: `the re-run failed: ${(e as Error).message}` };
    }
    verifications.set(opKey, view);
    if (view.result === 'mismatch') alert('verification', `a ${view.method} call by ${executor.slice(0, 24)}… does not match its recorded call: ${view.message}`);
    d.onChange();
    return view;
  }

  /** The anchoring service's side of checkpoints: what this node has confirmed on chain, and what peers say. */
  let anchorHooks: AnchorHooks | undefined;

  /** Why this node will not run the context's app (it differs from the hash anchored on chain). */
  let appRefused: string | undefined;

  async function ensureApp(): Promise<ContextApp> {
    if (appRefused) throw new AppCallError('app-integrity', appRefused);
    if (app) return app;
    const g = replica.governance();
    if (g.members.size === 0) throw new AppCallError('not-ready', 'the context history has not arrived yet');
    const made = await d.appFor(toHex(g.appId), sync);
    if (app) {
      made.close();
      return app;
    }
    made.setPrivate(await d.privateStorage.load(record.id));
    made.stateChanged(state.doc, null);
    app = made;
    return app;
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

  /** Why joining does not go on, as the person joining should read it. */
  function joinProblem(peers: PeerInfo[]): string | undefined {
    if (membership.problem()) return membership.problem();
    if (!record.invite && !record.rejoin) return undefined;
    const refusedBy = peers.find((p) => p.refusedBy)?.refusedBy;
    if (refusedBy) return `a member refused to share the history: ${refusedBy}`;
    const clock = alerts.findLast((a) => a.kind === 'clock');
    if (clock && replica.dag.size() === 0) return clock.message;
    return undefined;
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

  // Start: snapshot, stored ops, then the mesh.
  const snapshotBytes = await store.snapshot(record.id);
  if (snapshotBytes) {
    try {
      state.loadSnapshot(snapshotCodec.decode(snapshotBytes));
    } catch {
      // A damaged snapshot only costs a longer rebuild.
    }
  }
  await sync.load(await store.ops(record.id));
  // Re-check the newest recorded calls of others after a reload (results are not stored).
  void (async () => {
    const recorded = [...replica.dag.all()].filter((c) => c.op.body.kind === 'delta' && c.op.body.call && c.author !== myKey);
    for (const c of recorded.slice(-RECHECK_ON_LOAD)) {
      if (closed) return;
      await verifyCall(c.key).catch(() => undefined);
    }
  })();
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
  d.scheduler.schedule(1000, checkpointLoop);
  void tryJoin();
  void catchUpRevocations();

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

    /**
     * Call an app method. A view returns its result; a mutation's shared writes become one
     * signed delta op (with the call recorded when the context is verifiable); private
     * writes are kept on this device only, once the op is valid.
     */
    async call(method: string, args: unknown): Promise<CallOutcome> {
      const runner = await ensureApp();
      const info = runner.methods().find((m) => m.name === method);
      if (!info) throw new AppCallError('unknown-method', `this app has no method "${method}"; it has ${runner.methods().map((m) => m.name).join(', ')}`);
      const input = new TextEncoder().encode(JSON.stringify(args ?? {}));
      const started = d.now();
      const clientID = writeSession.clientIdFor(state.doc);
      const result = await runner.call(method, input, { executor: identity.root, contextId, doc: state.doc, clientID });
      const output = result.output ? parseJson(result.output) : null;
      const shown = result.events.map((e) => ({ name: e.name, payload: describePayload(e.payload), hashed: e.hashOnly, executor: identity.root, at: d.now() }));
      if (!result.update) {
        if (result.privateWrites.length) await d.privateStorage.write(record.id, result.privateWrites);
        shown.forEach(emit);
        return { output, events: shown, logs: result.logs, ms: d.now() - started };
      }
      writeSession.write({ id: runner.writer, write: () => result.update! }, state.doc, { method, args });
      const verifiable = replica.governance().verifiable;
      const op = await publish({
        kind: 'delta',
        writer: runner.writer,
        update: result.update,
        call: verifiable ? { method, input } : undefined,
        events: publishedEvents(result.events),
      });
      if (op.valid && result.privateWrites.length) await d.privateStorage.write(record.id, result.privateWrites);
      if (op.valid) shown.forEach((e) => emit({ ...e, opKey: op.key }));
      return { output, op, events: shown, logs: result.logs, ms: d.now() - started };
    },

    /** Developer tool: run a method without publishing anything; returns what it would write. */
    async dryRun(method: string, args: unknown): Promise<{ output: unknown; update: Uint8Array | null }> {
      const runner = await ensureApp();
      const input = new TextEncoder().encode(JSON.stringify(args ?? {}));
      const result = await runner.call(method, input, { executor: identity.root, contextId, doc: state.doc, clientID: writeSession.clientIdFor(state.doc) });
      return { output: result.output ? parseJson(result.output) : null, update: result.update };
    },

    /**
     * Publish an empty change whose parents are all the heads: one op whose causal past holds
     * everything here (an anchor names such an op).
     */
    mergeHeads: () => publish({ kind: 'delta', writer: 'merge', update: EMPTY_UPDATE, call: undefined, events: [] }),
    publishRawDelta: (delta: { update: Uint8Array; call?: { method: string; input: Uint8Array } }) =>
      publish({ kind: 'delta', writer: 'raw', update: delta.update, call: delta.call, events: [] }),

    methods: async () => (await ensureApp()).methods(),
    /**
     * Recent events: others' from the ops themselves (so a reload loses none), mine with
     * their whole payloads as this node saw them.
     */
    events(): EventView[] {
      const g = replica.governance();
      const mine = new Map(events.filter((e) => e.opKey).map((e) => [`${e.opKey}/${e.name}`, e]));
      const out: EventView[] = [];
      for (const c of replica.dag.all()) {
        const body = c.op.body;
        if (body.kind !== 'delta' || body.events.length === 0 || !replica.verdict(c.key)?.valid) continue;
        const executor = g.keys.get(c.author)?.root ?? c.author;
        for (const e of body.events) {
          const local = mine.get(`${c.key}/${e.name}`);
          out.push(local ?? { name: e.name, payload: e.hashed ? `sha256:${toHex(e.payload)}` : describePayload(e.payload), hashed: e.hashed, executor, opKey: c.key, at: c.op.time });
        }
      }
      // Events of calls that made no op (private-only) exist only locally.
      for (const e of events) if (!e.opKey) out.push(e);
      return out.slice(-MAX_EVENTS);
    },
    onEvent(listener: (e: EventView) => void): () => void {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    verify: verifyCall,
    verifications: () => [...verifications.values()],

    /** Every op with who made it, from which device, and whether it counts. */
    audit(): AuditEntry[] {
      const g = replica.governance();
      return [...replica.dag.all()].map((c) => {
        const key = g.keys.get(c.author);
        const v = replica.verdict(c.key);
        const body = c.op.body;
        return {
          key: c.key,
          kind: body.kind,
          executor: key?.root ?? '(unknown key)',
          device: key?.label ?? c.author.slice(0, 12),
          time: c.op.time,
          valid: Boolean(v?.valid),
          ...(v && !v.valid ? { reason: v.reason } : {}),
          ...(body.kind === 'delta' && body.call ? { call: body.call.method } : {}),
          ...(verifications.get(c.key) ? { verification: verifications.get(c.key)!.result } : {}),
        };
      });
    },

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
      anchorHooks = hooks;
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
      if (reason === appRefused) return;
      appRefused = reason;
      if (reason) {
        alert('app-integrity', reason);
        app?.close();
        app = undefined;
      }
      d.onChange();
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
      const g = replica.governance();
      const peers = sync.peers();
      const onlineRoots = new Set(peers.filter((p) => p.state === 'verified').map((p) => p.root));
      const members: MemberView[] = [...g.members].map(([root, m]) => ({
        root,
        role: m.role,
        me: root === identity.root,
        online: root === identity.root || onlineRoots.has(root),
        devices: [...g.keys].filter(([, k]) => k.root === root).map(([key, k]) => ({ key, label: k.label, revoked: g.revokedKeys.has(key), ...(k.origin ? { origin: k.origin } : {}) })),
      }));
      const local = localView();
      const problem = joinProblem(peers);
      return {
        id: record.id,
        name: g.name || record.name,
        online: meshHandle !== undefined,
        appId: toHex(g.appId),
        verifiable: g.verifiable,
        origins: sortOrigins(g.origins),
        ...(g.keys.get(myKey)?.origin ? { myOrigin: g.keys.get(myKey)!.origin! } : {}),
        myRoot: identity.root,
        ...(g.members.get(identity.root) ? { myRole: g.members.get(identity.root)!.role } : {}),
        joining: Boolean(record.invite || record.rejoin),
        ...(problem ? { joinProblem: problem } : {}),
        members,
        kv: kvEntries(),
        opCount: replica.historySize(),
        heads: replica.heads(),
        pending: replica.dag.pendingCount(),
        stuck: state.stuck().length,
        invalidOps: fromHistory().invalidOps,
        rejected: [],
        peers,
        closedPeers: sync.closedPeers(),
        checkpoints: [...agreements.values()],
        alerts: [...alerts],
        stateRoot: toHex(local.stateRoot),
        governanceRoot: toHex(local.governanceRoot),
        remoteOpCount: Math.max(0, ...peers.map((p) => p.remoteCount ?? 0)),
      };
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
      app?.close();
      sync.stop();
      meshHandle?.leave();
    },
  };
}

export type RunningContext = Awaited<ReturnType<typeof openContext>>;
