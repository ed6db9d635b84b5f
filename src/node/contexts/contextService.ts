import { fromHex, toHex } from '../../core/crypto/index.ts';
import { checkInviteStandalone, inviteCodec, inviteLink, parseInviteLink, InviteLinkError } from '../../core/invitation/index.ts';
import type { Scheduler } from '../../core/mesh/Scheduler.ts';
import { GENESIS_CONTEXT, idKey, signOp } from '../../core/ops/op.ts';
import type { Role } from '../../core/ops/roles.ts';
import type { StateCall } from '../../core/state/index.ts';
import type { Store } from '../../core/store/index.ts';
import type { ProofOptions, RootId } from '../../core/identity/index.ts';
import type { IdentityService } from '../identityService.ts';
import type { NodeSettings } from '../settings.ts';
import type { MeshPort } from './meshPort.ts';
import type { PrivateVault } from '../../adapters/webcrypto/vault.ts';
import type { ContextSync, SyncEvent } from '../../core/sync/contextSync.ts';
import type { ContextApp, MethodInfo } from '../apps/contextApp.ts';
import { KV_APP_ID } from '../apps/kvApp.ts';
import { openContext, type RunningContext } from './openContext.ts';
import { selectLastSeen } from './context/selectors/lastSeen.ts';
import type { AnchorBinding } from '../../core/anchor/AnchorChain.ts';
import { anchorFieldOf } from '../../core/anchor/binding.ts';
import type { AnchorPolicy } from '../../core/anchor/policy.ts';
import type { ContextAnchors, ContextAnchorsDeps } from '../anchors/contextAnchors.ts';
import { defaultOrigins, siteOrigin } from './origins.ts';
import type { AuditEntry, CallOutcome, EventView, VerificationView } from './view.ts';
import type { ContextView, OpOutcome } from './view.ts';
import { exportAuditFile, type AuditExportFormat, type AuditFile } from './auditExport.ts';
import { contextBackupFile, readBackup, type RestoreOutcome } from './backup.ts';

export interface ContextSummary {
  id: string;
  name: string;
  myRole?: Role;
  members: number;
  peersOnline: number;
  joining: boolean;
}

/** What a join page shows before anything is fetched: the invite, checked on its own. */
export type InvitePreview =
  | { ok: true; contextId: string; contextName: string; role: Role; expiresAt: number; maxUses: number; alreadyHere: boolean }
  | { ok: false; problem: string; detail?: string };

export class ContextNotFoundError extends Error {
  override readonly name = 'ContextNotFoundError';
  constructor(id: string) {
    super(`no context ${id.slice(0, 12)}… on this browser: open it through an invite link first`);
  }
}

export interface ContextServiceDeps {
  vault: PrivateVault;
  /** Make the app of a context from its id (hex): built-in, or a WASM binary by hash. */
  appFor(appId: string, sync: ContextSync): Promise<ContextApp>;
  store: Store;
  identity: IdentityService;
  mesh: MeshPort;
  settings(): Promise<NodeSettings>;
  scheduler: Scheduler;
  now(): number;
  randomBytes(length: number): Uint8Array;
  origin: string;
  /** How contract-account proofs are checked (an RPC from Settings). */
  proofs: ProofOptions;
  /** Hears every open context's sync events (the metrics service counts ops); keep it cheap. */
  observeSync?(contextId: string, event: SyncEvent): void;
  /** Chain anchoring (src/node/anchors); without it anchored contexts are not checked on chain. */
  anchoring?: Omit<ContextAnchorsDeps, 'ctx' | 'scheduler' | 'now' | 'onChange' | 'policy'> & { policy(contextId: string): Promise<AnchorPolicy> };
}

const DAY = 86_400_000;



/** Every context of this profile: create, join by link, act, and observe. */
export function contextService(d: ContextServiceDeps) {
  const running = new Map<string, Promise<RunningContext>>();
  /** Anchored contexts' anchoring, made once the genesis (and so the binding) is known. */
  const anchorsOf = new Map<string, ContextAnchors>();
  const attaching = new Map<string, Promise<ContextAnchors | undefined>>();

  /**
   * Start a context's anchoring when its genesis binds a chain. The anchoring code (and the
   * keccak it needs) loads only then: most contexts, and the first load, do without it.
   */
  function attachAnchors(id: string, opened: RunningContext): Promise<ContextAnchors | undefined> | undefined {
    const anchoring = d.anchoring;
    if (!anchoring || anchorsOf.has(id) || !opened.replica.binding()) return undefined;
    const pending = attaching.get(id);
    if (pending) return pending;
    const made = import('../anchors/contextAnchors.ts').then(({ contextAnchors }) => {
      // Closed or reopened meanwhile: this one is stale.
      if (attaching.get(id) !== made) return undefined;
      attaching.delete(id);
      const anchors = contextAnchors({ ...anchoring, ctx: opened, scheduler: d.scheduler, now: d.now, onChange: changed, policy: () => anchoring.policy(id) });
      anchorsOf.set(id, anchors);
      void anchors.ensure();
      changed();
      return anchors;
    });
    attaching.set(id, made);
    return made;
  }
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());

  async function fullView(id: string, ctx: RunningContext): Promise<ContextView> {
    const anchors = anchorsOf.get(id)?.view();
    return { ...ctx.view(), rejected: await ctx.rejections(), ...(anchors ? { anchors } : {}) };
  }

  async function start(id: string): Promise<RunningContext> {
    let ctx = running.get(id);
    if (ctx) return ctx;
    // Registered before any await, so one context is opened once, and `reannounce` (which
    // writes records, then clears this map) never races a start that read an older record.
    ctx = (async () => {
      const record = (await d.store.contexts()).find((c) => c.id === id);
      if (!record) throw new ContextNotFoundError(id);
      let opened: RunningContext | undefined;
      opened = await openContext({
        record,
        store: d.store,
        identity: await d.identity.signing(),
        mesh: d.mesh,
        settings: await d.settings(),
        scheduler: d.scheduler,
        now: d.now,
        randomBytes: d.randomBytes,
        onChange: () => {
          const anchors = anchorsOf.get(id);
          if (anchors) anchors.changed();
          else if (opened) void attachAnchors(id, opened);
          changed();
        },
        proofs: d.proofs,
        ...(d.observeSync ? { observeSync: (event: SyncEvent) => d.observeSync!(id, event) } : {}),
        appFor: d.appFor,
        privateStorage: {
          async load(context) {
            const sealed = await d.store.privateEntries(context);
            return Promise.all(sealed.map(async ([k, v]) => [k, await d.vault.open(context, k, v)] as [string, Uint8Array]));
          },
          async write(context, writes) {
            const sealed = await Promise.all(writes.map(async ([k, v]) => [k, v === null ? null : await d.vault.seal(context, k, v)] as [string, Uint8Array | null]));
            await d.store.putPrivate(context, sealed);
          },
        },
      });
      anchorsOf.get(id)?.close();
      anchorsOf.delete(id);
      attaching.delete(id);
      void attachAnchors(id, opened);
      return opened;
    })();
    running.set(id, ctx);
    ctx.catch(() => running.delete(id));
    return ctx;
  }


  /**
   * This device's key or delegation changed (rotation, renewal): reopen every context so
   * it signs with the new one, announcing it with an `add-device` op where the root is a member.
   */
  let reannouncing: Promise<unknown> = Promise.resolve();
  async function reannounceNow(): Promise<void> {
    const root = (await d.store.root())?.id;
    for (const record of await d.store.contexts()) {
      const open = await running.get(record.id)?.catch(() => undefined);
      const member = open ? Boolean(root && open.replica.governance().members.has(root)) : true;
      if (!record.invite && member) await d.store.putContext({ ...record, rejoin: true });
    }
    const old = [...running.values()];
    running.clear();
    for (const ctx of old) (await ctx.catch(() => undefined))?.close();
    for (const a of anchorsOf.values()) a.close();
    anchorsOf.clear();
    attaching.clear();
    await Promise.all((await d.store.contexts()).map((c) => start(c.id)));
    changed();
  }

  return {
    /** Open every stored context (at start-up, once signed in). */
    async startAll(): Promise<void> {
      await Promise.all((await d.store.contexts()).map((c) => start(c.id)));
    },

    async list(): Promise<ContextSummary[]> {
      const records = await d.store.contexts();
      return Promise.all(
        records.map(async (r) => {
          const v = (await start(r.id)).view();
          return {
            id: r.id,
            name: v.name,
            ...(v.myRole ? { myRole: v.myRole } : {}),
            members: v.members.length,
            peersOnline: v.peers.filter((p) => p.state === 'verified').length,
            joining: v.joining,
          };
        }),
      );
    },

    /**
     * A new context with this identity as its owner. `app` is the app id (hex SHA-256 of a
     * stored WASM binary) or omitted for the built-in key/value app. `origins`: the sites
     * members may sign in from with a wallet (default: this app's origin). Returns the
     * context id.
     */
    async create(name: string, options: { app?: string; verifiable?: boolean; origins?: string[]; anchor?: AnchorBinding } = {}): Promise<string> {
      const title = name.trim();
      if (!title) throw new Error('a context needs a name');
      const origins = options.origins?.map(siteOrigin) ?? defaultOrigins(d.origin);
      const identity = await d.identity.signing();
      const genesis = await signOp(identity.signer, {
        context: GENESIS_CONTEXT,
        parents: [],
        time: d.now(),
        body: {
          kind: 'genesis',
          name: title.slice(0, 100),
          appId: options.app ? fromHex(options.app) : KV_APP_ID,
          verifiable: options.verifiable ?? false,
          nonce: d.randomBytes(16),
          delegation: identity.delegation,
          origins,
          anchor: options.anchor && anchorFieldOf(options.anchor),
        },
      });
      const id = idKey(genesis.id);
      await d.store.putContext({ id, name: title, secret: d.randomBytes(32), signaling: [], createdAt: d.now() });
      const ctx = await start(id);
      await ctx.sync.publish([genesis]);
      await ctx.catchUpRevocations();
      changed();
      return id;
    },

    async view(id: string): Promise<ContextView> {
      return fullView(id, await start(id));
    },

    /** Views of the contexts open now, opening none (the dashboard and alerts must not reopen a closed one). */
    async openViews(): Promise<ContextView[]> {
      const opened = await Promise.allSettled([...running].map(async ([id, ctx]) => fullView(id, await ctx)));
      return opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    },

    /** The chain anchoring of an open context (register, anchor, revoke on chain, policy). */
    async anchors(id: string): Promise<ContextAnchors> {
      const opened = await start(id);
      if (!d.anchoring) throw new Error('this node has no chain anchoring configured');
      const anchors = anchorsOf.get(id) ?? (await attachAnchors(id, opened));
      if (!anchors) throw new Error('this context is not anchored to a chain (its genesis binds none), or its history has not arrived yet');
      await anchors.ensure();
      return anchors;
    },

    async invite(id: string, options: { role: Role; expiresInMs?: number; maxUses?: number }): Promise<string> {
      const ctx = await start(id);
      const invite = await ctx.invite({ role: options.role, expiresInMs: options.expiresInMs ?? 7 * DAY, maxUses: options.maxUses ?? 1 });
      return inviteLink(d.origin, invite);
    },

    /** Check an invite link without joining: signature, expiry, limits. */
    async previewInvite(link: string): Promise<InvitePreview> {
      try {
        const invite = parseInviteLink(link);
        const verdict = await checkInviteStandalone(invite, d.now());
        if (!verdict.ok) return { ok: false, problem: verdict.reason === 'expired' ? `This invite has expired: ${verdict.message}.` : `This invite is not valid: ${verdict.message}.` };
        const contextId = toHex(invite.claims.context);
        const alreadyHere = (await d.store.contexts()).some((c) => c.id === contextId);
        const { contextName, role, expiresAt, maxUses } = invite.claims;
        return { ok: true, contextId, contextName, role, expiresAt, maxUses, alreadyHere };
      } catch (e) {
        if (e instanceof InviteLinkError) return { ok: false, problem: `${e.message}.` };
        // A decoder's message names byte offsets and type tags: the person gets plain words.
        return { ok: false, problem: 'This link is not a Tabnode invite, or it was cut short: ask for a new link.', detail: String(e) };
      }
    },

    /** Join through an invite link: fetch the history from members, then sign the join op. */
    async join(link: string): Promise<string> {
      const preview = await this.previewInvite(link);
      if (!preview.ok) throw new Error(preview.problem);
      const invite = parseInviteLink(link);
      const id = preview.contextId;
      if (!preview.alreadyHere) {
        await d.store.putContext({
          id,
          name: invite.claims.contextName,
          secret: invite.claims.secret,
          signaling: invite.claims.signaling,
          invite: inviteCodec.encode(invite),
          createdAt: d.now(),
        });
      }
      await start(id);
      changed();
      return id;
    },

    /**
     * Come back to a context this identity's root is a member of, on a device that does
     * not hold it yet (a wallet login in a new browser): fetch the history from members
     * (who admit us as a device of a member root) and sign an `add-device` op.
     */
    async rejoin(entry: { id: string; name: string; secret: Uint8Array; signaling?: string[] }): Promise<void> {
      if ((await d.store.contexts()).some((c) => c.id === entry.id)) return;
      await d.store.putContext({
        id: entry.id,
        name: entry.name,
        secret: entry.secret,
        signaling: entry.signaling ?? [],
        rejoin: true,
        createdAt: d.now(),
      });
      await start(entry.id);
      changed();
    },

    /**
     * Publish a root's revocation (canonical bytes) in every context where this root is a
     * member and the key is not revoked yet — also where the key was never seen, so it
     * cannot come in later. Contexts still joining get it once they settle (they publish
     * the stored revocations of their root). Returns the outcome per context id.
     */
    async revokeKey(revocation: Uint8Array, clientKeyHex: string): Promise<Map<string, OpOutcome>> {
      const root = (await d.store.root())?.id;
      const outcomes = new Map<string, OpOutcome>();
      for (const record of await d.store.contexts()) {
        const ctx = await start(record.id);
        const g = ctx.replica.governance();
        if (!root || !g.members.has(root) || g.revokedKeys.has(clientKeyHex) || ctx.view().joining) continue;
        outcomes.set(record.id, await ctx.revokeKey(revocation));
      }
      return outcomes;
    },

    /**
     * This device's key or delegation changed (rotation, renewal): reopen every context so
     * it signs with the new one, announcing it with an `add-device` op where needed.
     */
    reannounce(): Promise<void> {
      // One at a time: the tab that rotated and the store follower may both ask.
      const next = reannouncing.then(() => reannounceNow());
      reannouncing = next.catch(() => undefined);
      return next;
    },

    /**
     * How the open contexts differ from who signs now: `root` (another identity: reopen),
     * `key` (another device key or delegation: re-announce), or `none`.
     */
    async staleness(now: { root: string; key: string; expiry: number }): Promise<'none' | 'key' | 'root'> {
      let result: 'none' | 'key' = 'none';
      for (const ctx of running.values()) {
        const open = await ctx.catch(() => undefined);
        if (!open) continue;
        if (open.signingAs.root !== now.root) return 'root';
        if (open.signingAs.key !== now.key || open.signingAs.expiry !== now.expiry) result = 'key';
      }
      return result;
    },

    /**
     * Resolves once this device is settled in the context (its join or add-device op is
     * valid), or after `timeoutMs` — waiting longer will not help without peers.
     */
    async whenSettled(id: string, timeoutMs = 20_000): Promise<boolean> {
      const ctx = await start(id);
      for (let waited = 0; ; waited += 100) {
        if (!ctx.view().joining) return true;
        if (waited >= timeoutMs) return false;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },

    /**
     * The keys `root` has introduced in each context held here, with whether each was
     * revoked and when it was last seen there (its newest op, or now while connected).
     */
    async devicesOf(root: RootId): Promise<{ context: string; key: string; label: string; issuedAt: number; expiresAt: number; revoked: boolean; lastSeen?: number }[]> {
      const out = [];
      for (const record of await d.store.contexts()) {
        const ctx = await start(record.id);
        const g = ctx.replica.governance();
        const seen = selectLastSeen({ ops: ctx.replica.dag.all() }, ctx.sync.peers(), d.now());
        for (const [key, info] of g.keys) {
          if (info.root !== root) continue;
          const lastSeen = seen.get(key);
          out.push({ context: record.id, key, label: info.label, issuedAt: info.issuedAt, expiresAt: info.expiresAt, revoked: g.revokedKeys.has(key), ...(lastSeen ? { lastSeen } : {}) });
        }
      }
      return out;
    },

    async write(id: string, call: StateCall): Promise<OpOutcome> {
      return (await start(id)).write(call);
    },
    async call(id: string, method: string, args: unknown): Promise<CallOutcome> {
      return (await start(id)).call(method, args);
    },
    async methods(id: string): Promise<MethodInfo[]> {
      return (await start(id)).methods();
    },
    async events(id: string): Promise<EventView[]> {
      return (await start(id)).events();
    },
    async audit(id: string): Promise<AuditEntry[]> {
      return (await start(id)).audit();
    },
    /** The audit log as a file to save: JSON, CSV, or a bundle signed by this device (docs/audit-bundle.md). */
    async exportAudit(id: string, format: AuditExportFormat): Promise<AuditFile> {
      const ctx = await start(id);
      const { signer } = await d.identity.signing();
      const source = { id, name: ctx.replica.governance().name || ctx.record.name, replica: ctx.replica, entries: ctx.audit(), verifications: ctx.verifications() };
      return exportAuditFile(source, format, signer, d.now());
    },
    /** The context as a backup file: its rendezvous details and its stored history (docs/backup.md). */
    async backup(id: string): Promise<AuditFile> {
      const ctx = await start(id);
      return contextBackupFile(ctx.record, ctx.replica.governance().name || ctx.record.name, await d.store.ops(id), d.now());
    },
    /**
     * Take a context back from a backup file: every op goes through the gate as if a peer sent
     * it. A context new here comes back as a device of a member root (`rejoin`); a root that is
     * not a member is told so, as on any login.
     */
    async restore(text: string): Promise<RestoreOutcome> {
      const { backup, ops, undecodable } = readBackup(text);
      await this.rejoin({ id: backup.context, name: backup.name, secret: backup.secret, signaling: backup.signaling });
      const result = await (await start(backup.context)).sync.publish(ops);
      changed();
      return { id: backup.context, name: backup.name, added: result.accepted.length, refused: undecodable + result.rejected.length + result.added.filter((c) => !result.accepted.includes(c)).length };
    },
    async verifications(id: string): Promise<VerificationView[]> {
      return (await start(id)).verifications();
    },
    /**
     * Developer tool: sign and publish a delta with an update and recorded call of your
     * choosing, e.g. to see that members flag a delta that does not match its call.
     */
    async publishRawDelta(id: string, delta: { update: Uint8Array; call?: { method: string; input: Uint8Array } }): Promise<OpOutcome> {
      return (await start(id)).publishRawDelta(delta);
    },
    /** Developer tool: what a call would write, without signing or sending anything. */
    async dryRun(id: string, method: string, args: unknown): Promise<{ output: unknown; update: Uint8Array | null }> {
      return (await start(id)).dryRun(method, args);
    },
    async verify(id: string, opKey: string): Promise<VerificationView | undefined> {
      return (await start(id)).verify(opKey);
    },
    async setRole(id: string, member: RootId, role: Role): Promise<OpOutcome> {
      return (await start(id)).setRole(member, role);
    },
    async remove(id: string, member: RootId): Promise<OpOutcome> {
      return (await start(id)).remove(member);
    },
    /**
     * Owners: allow more sites for wallet sign-in, or stop allowing some (keys delegated on
     * a removed site stop acting). Sites as typed (`https://Tabnode.example/`) are put in
     * canonical form; one that is not a site throws `OriginError`.
     */
    async changeOrigins(id: string, change: { add?: string[]; remove?: string[] }): Promise<OpOutcome> {
      const add = (change.add ?? []).map(siteOrigin);
      const remove = (change.remove ?? []).map(siteOrigin);
      return (await start(id)).changeOrigins(add, remove);
    },
    /** Admins: switch the context's app to another (hex id of a registered app, or the built-in one). */
    async setApp(id: string, appId: string): Promise<OpOutcome> {
      if (!/^[0-9a-f]{64}$/.test(appId)) throw new Error(`"${appId.slice(0, 80)}" is not an app id (64 hex digits)`);
      return (await start(id)).setApp(fromHex(appId));
    },
    /** Clear the notices of this member's writes overwritten concurrently (the UI shows them until then). */
    async dismissOverwrites(id: string): Promise<void> {
      (await start(id)).dismissOverwrites();
    },
    async setOnline(id: string, online: boolean): Promise<void> {
      (await start(id)).setOnline(online);
    },
    /** Leave a context as a member (a signed `leave` op every member applies); it stays here, read-only. */
    async leave(id: string): Promise<OpOutcome> {
      return (await start(id)).leave();
    },

    /**
     * Forget a context on this device: stop syncing it and delete its history, snapshot,
     * refusals and private storage here. Other members keep theirs; an invite brings it back.
     */
    async forget(id: string): Promise<void> {
      const open = running.get(id);
      running.delete(id);
      (await open?.catch(() => undefined))?.close();
      anchorsOf.get(id)?.close();
      anchorsOf.delete(id);
      attaching.delete(id);
      await d.store.deleteContext(id);
      changed();
    },

    onChange(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async closeAll(): Promise<void> {
      for (const ctx of running.values()) (await ctx).close();
      running.clear();
      for (const a of anchorsOf.values()) a.close();
      anchorsOf.clear();
      attaching.clear();
    },

    /**
     * Read-only, for the membership directory: per open context, where its members meet and
     * who may learn that (members, revoked keys), and when it was last active (the newest
     * head's advisory time). It never opens a context itself: that could race `reannounce`.
     */
    async holdings(): Promise<{ id: string; name: string; secret: Uint8Array; signaling: string[]; members: RootId[]; revokedKeys: Set<string>; origins: Set<string>; activeAt: number }[]> {
      const settings = await d.settings();
      const records = await d.store.contexts();
      const opened = await Promise.allSettled(records.map((r) => running.get(r.id) ?? Promise.reject(new ContextNotFoundError(r.id))));
      return records.flatMap((r, i) => {
        const result = opened[i]!;
        if (result.status === 'rejected') return [];
        const { replica } = result.value;
        const g = replica.governance();
        const heads = replica.heads().map((k) => replica.dag.get(k)?.op.time ?? 0);
        return [{
          id: r.id,
          name: g.name || r.name,
          secret: r.secret,
          signaling: [...new Set([...r.signaling, ...settings.signalingUrls])],
          members: [...g.members.keys()],
          revokedKeys: new Set(g.revokedKeys),
          origins: new Set(g.origins),
          activeAt: Math.max(r.createdAt, ...heads),
        }];
      });
    },
  };
}

export type ContextService = ReturnType<typeof contextService>;
