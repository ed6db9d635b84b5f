// An invite link carries its context's rendezvous secret in the fragment. Once the app has
// read it, it is taken out of the address bar and the session history (replaceState), so
// Back, a shared screen or a later visitor of this browser does not find it there; the
// join page keeps it in memory for this tab only.
import { useSyncExternalStore } from 'react';
import { JOIN_PATH } from '../../core/invitation/link.ts';

let held = '';
const listeners = new Set<() => void>();

/** Moves an invite from the address bar into memory, if the address is a join link. */
function takeInviteFromAddressBar(): void {
  if (location.pathname !== JOIN_PATH || location.hash.length <= 1) return;
  held = location.hash;
  history.replaceState(history.state, '', location.pathname + location.search);
  for (const listener of listeners) listener();
}

/**
 * Takes the invite from the page's address now, and again whenever another one is pasted
 * into the address bar of an open join page (a fragment change does not reload the page).
 */
export function holdInvitesFromAddressBar(): void {
  takeInviteFromAddressBar();
  window.addEventListener('hashchange', takeInviteFromAddressBar);
}

/** The invite this tab was opened with (a `#fragment`), or '' when there is none. */
export function useHeldInvite(): string {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => held,
  );
}
