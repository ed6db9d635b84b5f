import { fromHex } from '../../../core/crypto/index.ts';
import { inviteLink } from '../../../core/invitation/index.ts';
import type { RootId } from '../../../core/identity/index.ts';
import type { Role } from '../../../core/ops/roles.ts';
import type { StateCall } from '../../../core/state/index.ts';
import type { ContextAnchors } from '../../anchors/contextAnchors.ts';
import type { MethodInfo } from '../../apps/contextApp.ts';
import type { AuditExportFormat, AuditFile } from '../auditExport.ts';
import { siteOrigin } from '../origins.ts';
import type { AuditEntry, CallOutcome, ContextView, EventView, MemberView, OpOutcome, VerificationView } from '../view.ts';
import type { ContextServiceDeps } from './deps.ts';
import { contextBackupFile } from '../backup.ts';
import { exportContextAudit } from './exports.ts';
import type { ContextRegistry } from './registry.ts';

const DAY = 86_400_000;

/**
 * One context of this profile, as `contexts.open(id)` gives it (like automerge-repo's
 * `repo.find(id)` → `DocHandle`): every per-context action and read. Getting a handle
 * opens nothing; its first use starts the context (and throws `ContextNotFoundError` if
 * this browser does not hold it). A handle stays usable across re-announces: each use goes
 * to the context running now.
 */
export function contextHandle(id: string, registry: ContextRegistry, d: Pick<ContextServiceDeps, 'identity' | 'now' | 'origin' | 'store'>) {
  const ctx = () => registry.start(id);
  return {
    id,
    /** The view; while a long history is still loading, its opening view at once (`opening` set). */
    view(): Promise<ContextView> {
      return registry.viewNow(id);
    },
    /** The chain anchoring of this context (register, anchor, revoke on chain, policy). */
    async anchors(): Promise<ContextAnchors> {
      return registry.anchoring.of(id, await ctx());
    },
    async invite(options: { role: Role; expiresInMs?: number; maxUses?: number }): Promise<string> {
      const { invite, boxSecret } = await (await ctx()).invite({ role: options.role, expiresInMs: options.expiresInMs ?? 7 * DAY, maxUses: options.maxUses ?? 1 });
      return inviteLink(d.origin, invite, boxSecret);
    },
    /**
     * Resolves once this device is settled in the context (its join or add-device op is
     * valid), or after `timeoutMs` — waiting longer will not help without peers.
     */
    async whenSettled(timeoutMs = 20_000): Promise<boolean> {
      for (let waited = 0; ; waited += 100) {
        // The running context of now: a re-announce may have replaced the one running before
        // (a closed context publishes nothing, so it would never settle).
        if (!(await ctx()).view().joining) return true;
        if (waited >= timeoutMs) return false;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async write(call: StateCall): Promise<OpOutcome> {
      return (await ctx()).write(call);
    },
    async call(method: string, args: unknown): Promise<CallOutcome> {
      return (await ctx()).call(method, args);
    },
    async methods(): Promise<MethodInfo[]> {
      return (await ctx()).methods();
    },
    async events(): Promise<EventView[]> {
      return (await ctx()).events();
    },
    async audit(): Promise<AuditEntry[]> {
      return (await ctx()).audit();
    },
    /** The members with their roles and devices (view()'s, without the rest of the view). */
    async members(): Promise<MemberView[]> {
      return (await ctx()).members();
    },
    /** The audit log as a file to save: JSON, CSV, or a bundle signed by this device (docs/audit-bundle.md). */
    async exportAudit(format: AuditExportFormat): Promise<AuditFile> {
      const running = await ctx();
      const { signer } = await d.identity.signing();
      return exportContextAudit(id, running, format, signer, d.now());
    },
    /** The context as a backup file: its rendezvous details and its stored history (docs/backup.md). */
    async backup(): Promise<AuditFile> {
      const running = await ctx();
      return contextBackupFile(running.record, running.replica.governance().name || running.record.name, await d.store.ops(id), d.now());
    },
    async verifications(): Promise<VerificationView[]> {
      return (await ctx()).verifications();
    },
    async verify(opKey: string): Promise<VerificationView | undefined> {
      return (await ctx()).verify(opKey);
    },
    /**
     * Developer tool: sign and publish a delta with an update and recorded call of your
     * choosing, e.g. to see that members flag a delta that does not match its call.
     */
    async publishRawDelta(delta: { update: Uint8Array; call?: { method: string; input: Uint8Array } }): Promise<OpOutcome> {
      return (await ctx()).publishRawDelta(delta);
    },
    /** Developer tool: what a call would write, without signing or sending anything. */
    async dryRun(method: string, args: unknown): Promise<{ output: unknown; update: Uint8Array | null }> {
      return (await ctx()).dryRun(method, args);
    },
    async setRole(member: RootId, role: Role): Promise<OpOutcome> {
      return (await ctx()).setRole(member, role);
    },
    async remove(member: RootId): Promise<OpOutcome> {
      return (await ctx()).remove(member);
    },
    /**
     * Owners: allow more sites for wallet sign-in, or stop allowing some (keys delegated on
     * a removed site stop acting). Sites as typed (`https://Tabnode.example/`) are put in
     * canonical form; one that is not a site throws `OriginError`.
     */
    async changeOrigins(change: { add?: string[]; remove?: string[] }): Promise<OpOutcome> {
      const add = (change.add ?? []).map(siteOrigin);
      const remove = (change.remove ?? []).map(siteOrigin);
      return (await ctx()).changeOrigins(add, remove);
    },
    /** Admins: switch the context's app to another (hex id of a registered app, or the built-in one). */
    async setApp(appId: string): Promise<OpOutcome> {
      if (!/^[0-9a-f]{64}$/.test(appId)) throw new Error(`"${appId.slice(0, 80)}" is not an app id (64 hex digits)`);
      return (await ctx()).setApp(fromHex(appId));
    },
    /** Clear the notices of this member's writes overwritten concurrently (the UI shows them until then). */
    async dismissOverwrites(): Promise<void> {
      (await ctx()).dismissOverwrites();
    },
    async setOnline(online: boolean): Promise<void> {
      (await ctx()).setOnline(online);
    },
    /** Leave a context as a member (a signed `leave` op every member applies); it stays here, read-only. */
    async leave(): Promise<OpOutcome> {
      return (await ctx()).leave();
    },
  };
}

export type ContextHandle = ReturnType<typeof contextHandle>;
