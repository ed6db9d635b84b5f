import { toBase58 } from '../../../core/codec/index.ts';
import type { Replica } from '../../../core/context/replica.ts';
import type { Invite } from '../../../core/invitation/index.ts';
import type { ContextState, StateCall } from '../../../core/state/index.ts';
import type { createContextSync } from '../../../core/sync/contextSync.ts';
import { AppCallError } from '../../apps/contextApp.ts';
import type { membershipTasks } from '../membership.ts';
import type { Alert, OpOutcome } from '../view.ts';
import type { createAppHost } from './app.ts';
import type { createAppCalls } from './appCalls.ts';
import type { AnchorHooks, createCheckpoints } from './checkpoints.ts';
import type { ContextDeps } from './deps.ts';
import type { createEventLog } from './events.ts';
import { signContextInvite, type InviteOptions } from './invites.ts';
import type { EpochKeys } from './epochKeys.ts';
import { newRawBoxKey } from '../../../core/crypto/index.ts';
import type { createOnline } from './online.ts';
import type { createOverwriteNotices } from './overwrites.ts';
import type { createProjections } from './projections.ts';
import { contextOps, type createPublisher } from './publishing.ts';
import type { createVerifier } from './verification.ts';

/** The parts of a running context, wired by `openContext`. */
export interface ContextParts {
  d: ContextDeps;
  contextId: Uint8Array;
  replica: Replica;
  state: ContextState;
  sync: ReturnType<typeof createContextSync>;
  app: ReturnType<typeof createAppHost>;
  calls: ReturnType<typeof createAppCalls>;
  publish: ReturnType<typeof createPublisher>;
  projections: ReturnType<typeof createProjections>;
  eventLog: ReturnType<typeof createEventLog>;
  verifier: ReturnType<typeof createVerifier>;
  checkpoints: ReturnType<typeof createCheckpoints>;
  membership: ReturnType<typeof membershipTasks>;
  overwrites: ReturnType<typeof createOverwriteNotices>;
  online: ReturnType<typeof createOnline>;
  alert: (kind: Alert['kind'], message: string) => void;
  epochs: EpochKeys;
  /** Mark the context closed (its timers and tasks stop, its writes are refused); resolves once writes under way settled. */
  close(): Promise<void>;
}

/** What a running context offers the node: its actions, reads and lifecycle, over its parts. */
export function runningContext(p: ContextParts) {
  const { d, contextId, replica, state, sync, app, calls, publish, projections, eventLog, verifier, checkpoints, membership, overwrites, online, alert, epochs } = p;
  const { catchUpRevocations } = membership;
  return {
    id: d.record.id,
    record: d.record,
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

    ...contextOps(publish),

    methods: async () => (await app.ensure()).methods(),
    events: projections.events,
    onEvent: eventLog.onEvent,
    verify: verifier.verify,
    verifications: () => [...verifier.all().values()],

    audit: projections.audit,

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
    signingRoot: d.identity.root,
    /**
     * Stop running the app (a reason) or allow it again (undefined): the anchoring service
     * holds the app to the hash the registry records.
     */
    refuseApp(reason: string | undefined): void {
      app.refuse(reason);
    },
    /** Who this open context signs as: the root, the device key (base58), its delegation's expiry. */
    signingAs: { root: d.identity.root as string, key: toBase58(d.identity.signer.publicKey), expiry: membership.myDelegationExpiry },

    /**
     * Sign an invite with this device's key, carrying the rendezvous secret and signaling, and
     * a fresh box key whose private half travels in the link: the current epoch key is granted
     * to it at once, so whoever joins with the link reads the state even with nobody online.
     */
    async invite(options: InviteOptions): Promise<{ invite: Invite; boxSecret?: Uint8Array }> {
      // A relay's link carries no box key: a relay stores and forwards, and never reads.
      const readable = replica.governance().epochKey !== undefined && options.role !== 'relay';
      const box = readable ? await newRawBoxKey(d.randomBytes(32)) : undefined;
      const invite = await signContextInvite(
        d.identity.signer,
        { id: contextId, name: replica.governance().name || d.record.name, secret: d.record.secret, signaling: d.settings.signalingUrls },
        options,
        d.now(),
        d.randomBytes(16),
        box?.publicKey,
      );
      if (!box) return { invite };
      await epochs.grantInvite(invite);
      return { invite, boxSecret: box.rawPrivate };
    },

    view: () => {
      const view = projections.view();
      const lost = overwrites.list();
      return lost.length ? { ...view, overwrites: lost } : view;
    },
    alertsView: () => projections.alertsView(),
    members: () => projections.members(),
    dismissOverwrites: () => overwrites.dismiss(),

    rejections: () => d.store.rejections(d.record.id),

    setOnline: online.setOnline,
    isOnline: online.isOnline,

    /** Stop: timers, tasks and writes end; resolves once the writes under way have settled (a forget deletes after that). */
    close(): Promise<void> {
      const drained = p.close();
      app.close();
      sync.stop();
      online.leave();
      return drained;
    },
  };
}
