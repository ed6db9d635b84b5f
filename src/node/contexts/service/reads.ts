import type { RootId } from '../../../core/identity/index.ts';
import { selectLastSeen } from '../context/selectors/lastSeen.ts';
import type { AlertsView, ContextView } from '../view.ts';
import { ContextNotFoundError, type ContextServiceDeps, type ContextSummary } from './deps.ts';
import type { ContextRegistry } from './registry.ts';
import { alertsView } from './views.ts';

/** A device key as the contexts held here know it (`devicesOf`). */
export interface DeviceInContext {
  context: string;
  key: string;
  label: string;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
  lastSeen?: number;
}

/** What the membership directory reads of one open context (`holdings`). */
export interface Holding {
  id: string;
  name: string;
  secret: Uint8Array;
  signaling: string[];
  members: RootId[];
  revokedKeys: Set<string>;
  origins: Set<string>;
  activeAt: number;
}

/** Reads across every context held here: summaries, open views, devices, the directory's holdings. */
export function contextReads(d: ContextServiceDeps, registry: ContextRegistry) {
  return {
    /** Every stored context, summarised (each is opened). */
    async list(): Promise<ContextSummary[]> {
      const records = await d.store.contexts();
      return Promise.all(
        records.map(async (r) => {
          const v = await registry.viewNow(r.id);
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
     * Views of the contexts open now, opening none (the dashboard and alerts must not reopen a
     * closed one); a long history still loading gives its opening view, so none waits for it.
     */
    async openViews(): Promise<ContextView[]> {
      const opened = await Promise.allSettled(registry.all().map(([id, ctx]) => registry.viewOf(id, ctx)));
      return opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    },

    /** The same, only what alerts are read from (after every change: no walk of any state); a context still loading has none yet. */
    async openAlertsViews(): Promise<AlertsView[]> {
      const opened = await Promise.allSettled(registry.all().filter(([id]) => !registry.previewing(id)).map(async ([, ctx]) => alertsView(await ctx)));
      return opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    },

    /**
     * The keys `root` has introduced in each context held here, with whether each was
     * revoked and when it was last seen there (its newest op, or now while connected).
     */
    async devicesOf(root: RootId): Promise<DeviceInContext[]> {
      const out = [];
      for (const record of await d.store.contexts()) {
        const ctx = await registry.start(record.id);
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

    /**
     * Read-only, for the membership directory: per open context, where its members meet and
     * who may learn that (members, revoked keys), and when it was last active (the newest
     * head's advisory time). It never opens a context itself: that could race `reannounce`.
     */
    async holdings(): Promise<Holding[]> {
      const settings = await d.settings();
      const records = await d.store.contexts();
      // A context still loading a long history is left out until its open resolves (the
      // registry reports that as a change): answers must not wait for it.
      const opened = await Promise.allSettled(records.map((r) => (registry.previewing(r.id) ? undefined : registry.running(r.id)) ?? Promise.reject(new ContextNotFoundError(r.id))));
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
