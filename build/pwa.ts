// The installable, offline app: its web manifest and its service worker (Workbox, generated
// at build time by vite-plugin-pwa). Why each choice: docs/offline.md.
import { VitePWA } from 'vite-plugin-pwa';
import type { VitePWAOptions } from 'vite-plugin-pwa';
import type { PluginOption } from 'vite';

/** The brand blue of favicon.svg, also the manifest's theme colour. */
export const THEME_COLOR = '#3b5bdb';

/** The biggest file the service worker precaches; a bigger one fails the build. */
export const MAX_PRECACHED_FILE_BYTES = 3 * 1024 * 1024;

/** Server paths a navigation never gets the cached app shell for (server/main.ts). */
export const NETWORK_ONLY_PATHS = [/^\/chain(?:\/|$)/, /^\/signal(?:\/|$)/];

/**
 * Every file of the build is precached (app shell, lazy chunks, the runtime worker, the
 * built-in WASM apps and their index, icons), so the app starts and runs with no network.
 * Nothing else is cached: /chain, /signal and every other request go to the network.
 */
export const PWA_OPTIONS = {
  // A new version waits until the user chooses to reload (src/ui/shell/appUpdate.ts).
  registerType: 'prompt',
  // The app registers the worker itself (no inline script: the policy forbids it).
  injectRegister: false,
  manifestFilename: 'manifest.webmanifest',
  // The icons are in public/ and precached by the pattern below already; the plugin adds
  // the manifest itself.
  includeManifestIcons: false,
  manifest: {
    name: 'Tabnode',
    short_name: 'Tabnode',
    description: 'A private, verifiable collaboration node that runs in a browser tab.',
    id: '/',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    theme_color: THEME_COLOR,
    background_color: '#f6f7f9',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: '/icons/maskable.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'maskable' },
    ],
  },
  workbox: {
    globPatterns: ['**/*.{html,js,css,svg,png,wasm,json}'],
    maximumFileSizeToCacheInBytes: MAX_PRECACHED_FILE_BYTES,
    cleanupOutdatedCaches: true,
    // The first install controls the open tab at once; an update still waits for the user.
    clientsClaim: true,
    // Any app route (/contexts/…, /join, /settings) opens the precached shell offline;
    // the server's own endpoints are never answered from the cache.
    navigateFallback: '/index.html',
    navigateFallbackDenylist: NETWORK_ONLY_PATHS,
    // The generated worker imports Workbox from a same-origin file rather than a CDN.
    inlineWorkboxRuntime: false,
    sourcemap: false,
  },
} satisfies Partial<VitePWAOptions>;

export function tabnodePwa(): PluginOption {
  return VitePWA(PWA_OPTIONS);
}
