// The service worker (built by build/pwa.ts) and the "new version" signal the UI shows.
// A new worker waits until the user chooses to reload; it never takes over a running tab.

/** How often a long-open tab asks the server for a newer service worker. */
export const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

const listeners = new Set<() => void>();
let waitingRegistration: ServiceWorkerRegistration | undefined;
let reloadWhenControlled = false;

/** True when a new version is installed and waits for a reload. */
export function updateIsReady(): boolean {
  return waitingRegistration !== undefined;
}

/** For useSyncExternalStore: calls `listener` when updateIsReady changes. */
export function subscribeToUpdate(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function announce(registration: ServiceWorkerRegistration): void {
  waitingRegistration = registration;
  for (const listener of listeners) listener();
}

/**
 * Registers /sw.js and watches for a new version. The first install takes control at once
 * (so the app works offline from its first visit); later ones wait for applyUpdate.
 */
export async function registerServiceWorker(container: ServiceWorkerContainer = navigator.serviceWorker): Promise<void> {
  const registration = await container.register('/sw.js', { scope: '/' });
  // A worker that finished installing while another controls the page is a new version.
  const watch = (worker: ServiceWorker | null) =>
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && container.controller) announce(registration);
    });
  if (registration.waiting && container.controller) announce(registration);
  watch(registration.installing);
  registration.addEventListener('updatefound', () => watch(registration.installing));
  container.addEventListener('controllerchange', () => {
    if (reloadWhenControlled) location.reload();
  });
  setInterval(() => void registration.update().catch(() => undefined), UPDATE_CHECK_INTERVAL_MS);
}

/** Activates the waiting version and reloads this tab once it is in control. */
export function applyUpdate(): void {
  const waiting = waitingRegistration?.waiting;
  // Another tab may have activated it already: then a reload is all that is left.
  if (!waiting) return location.reload();
  reloadWhenControlled = true;
  waiting.postMessage({ type: 'SKIP_WAITING' });
}
