import { toHex } from '../../../core/crypto/index.ts';
import type { Replica } from '../../../core/context/replica.ts';
import type { ContextState } from '../../../core/state/index.ts';
import type { ContextSync } from '../../../core/sync/contextSync.ts';
import { AppCallError, type ContextApp } from '../../apps/contextApp.ts';
import type { Alerts } from './alerts.ts';

/**
 * The context's app: started once its genesis (and so its app id) is known, fed the valid
 * state, and stopped when the anchoring service refuses it.
 */
export function createAppHost(p: {
  contextKey: string;
  state: ContextState;
  alerts: Alerts;
  appFor(appId: string, sync: ContextSync): Promise<ContextApp>;
  loadPrivate(context: string): Promise<[string, Uint8Array][]>;
  onChange(): void;
  /** This node is a relay here: it keeps and forwards ops and has nothing to run them on (docs/relay.md). */
  isRelay(): boolean;
}) {
  let app: ContextApp | undefined;
  /** The app id (hex) `app` runs: a `set-app` op changes the governance's, and the next call loads that one. */
  let appId: string | undefined;
  /** Why this node will not run the context's app (it differs from the hash anchored on chain). */
  let appRefused: string | undefined;
  let replica: Replica | undefined;
  let sync: ContextSync | undefined;

  return {
    /** What ensure needs, once the replica and sync exist (they are made after the app's state sink). */
    bind(r: Replica, s: ContextSync): void {
      replica = r;
      sync = s;
    },
    /** The state changed (`update`), or was rebuilt (null): the app's own replica follows. */
    stateChanged(update: Uint8Array | null): void {
      app?.stateChanged(p.state.doc, update);
    },
    async ensure(): Promise<ContextApp> {
      if (appRefused) throw new AppCallError('app-integrity', appRefused);
      if (p.isRelay()) throw new AppCallError('relay', 'this node is a relay in this context: it keeps and forwards ops and runs no app');
      const g = replica!.governance();
      const wanted = toHex(g.appId);
      if (app && appId === wanted) return app;
      if (g.members.size === 0) throw new AppCallError('not-ready', 'the context history has not arrived yet');
      const made = await p.appFor(wanted, sync!);
      if (app && appId === wanted) {
        made.close();
        return app;
      }
      app?.close();
      made.setPrivate(await p.loadPrivate(p.contextKey));
      made.stateChanged(p.state.doc, null);
      app = made;
      appId = wanted;
      return app;
    },
    refuse(reason: string | undefined): void {
      if (reason === appRefused) return;
      appRefused = reason;
      if (reason) {
        p.alerts.raise('app-integrity', reason);
        app?.close();
        app = undefined;
      }
      p.onChange();
    },
    close(): void {
      app?.close();
    },
  };
}

export type AppHost = ReturnType<typeof createAppHost>;
