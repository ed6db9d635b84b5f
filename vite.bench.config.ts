import { defineConfig } from 'vite';
import { appConfig, bundlePlugins } from './vite.config.ts';

/**
 * `npm run bench` serves the app and bench.html from one origin (the runtime figures run
 * the app beside the benchmark page in one browser profile), built into dist-bench/ so
 * the production build in dist/ never contains the benchmark page.
 */
export const BENCH_OUT_DIR = 'dist-bench';

export default defineConfig({
  ...appConfig,
  // No service worker: its precaching (and the server compressing every chunk for it) would
  // run beside the measurements. The app then skips registering one.
  plugins: bundlePlugins,
  define: { 'import.meta.env.VITE_SERVICE_WORKER': JSON.stringify('off') },
  build: {
    ...appConfig.build,
    outDir: BENCH_OUT_DIR,
    rollupOptions: { ...appConfig.build.rollupOptions, input: { main: 'index.html', bench: 'bench.html' } },
  },
});
