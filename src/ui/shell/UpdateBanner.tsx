import { useSyncExternalStore } from 'react';
import { applyUpdate, subscribeToUpdate, updateIsReady } from './appUpdate.ts';

/** "A new version is ready": shown while a new service worker waits for the user's reload. */
export function UpdateBanner() {
  const ready = useSyncExternalStore(subscribeToUpdate, updateIsReady);
  if (!ready) return null;
  return (
    <div className="update-banner" role="status" data-testid="update-banner">
      <span>A new version of Tabnode is ready.</span>
      <button type="button" className="button small primary" onClick={applyUpdate}>
        Reload
      </button>
    </div>
  );
}
