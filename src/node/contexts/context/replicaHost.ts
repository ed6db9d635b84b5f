import { isRelay as isRelayRole } from '../../../core/epochs/entitled.ts';
import { createReplica, type StateSink } from '../../../core/context/replica.ts';
import { createContextState } from '../../../core/state/index.ts';
import type { Alerts } from './alerts.ts';
import { createAppHost } from './app.ts';
import type { ContextDeps } from './deps.ts';
import { createOverwriteNotices } from './overwrites.ts';

/**
 * The verified replica and what its valid state reaches: the shared state, the app's own
 * replica (a worker's Y.Doc) and the notices of writes lost to concurrent ones.
 */
export function createReplicaHost(d: ContextDeps, contextId: Uint8Array, alerts: Alerts) {
  const { record, identity } = d;
  const state = createContextState();
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
  const notices = createOverwriteNotices({ state, replica, myRoot: identity.root, onChange: d.onChange });
  overwrites = notices;
  return { state, app, replica, overwrites: notices, isRelay };
}
