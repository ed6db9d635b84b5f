import { defineConfig } from 'vite';
import type { UserConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { starknetCoreWithoutEval } from './build/starknetCoreWithoutEval.ts';
import { tabnodePwa } from './build/pwa.ts';

/** Every build of the app; nothing in the bundle may evaluate code (the policy has no 'unsafe-eval'). */
export const bundlePlugins = [react(), starknetCoreWithoutEval()];

/**
 * The production build: the app's one page (index.html), no source maps (they would
 * publish the whole source tree, comments and all, next to the app). The benchmark page
 * has its own build, vite.bench.config.ts, so it never ships.
 */
export const appConfig = {
  // tabnodePwa: the web manifest and the service worker (docs/offline.md).
  plugins: [...bundlePlugins, tabnodePwa()],
  build: {
    // es2022: AssemblyScript bindings use top-level await.
    target: 'es2022',
    outDir: 'dist',
    sourcemap: false,
    rollupOptions: {
      input: { main: 'index.html' },
      // get-starknet-core's MetaMask-snap loader uses a direct eval (never reached: we only
      // list injected wallet objects, see src/wallets/starknet.ts); its warning is noise.
      onLog(level, log, handler) {
        if (log.code === 'EVAL' && log.id?.includes('get-starknet-core')) return;
        handler(level, log);
      },
    },
    // The lazily loaded WalletConnect SDK and starknet.js are big by nature.
    chunkSizeWarningLimit: 1024,
  },
  worker: { format: 'es' },
} satisfies UserConfig;

export default defineConfig(appConfig);
