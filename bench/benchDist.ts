import { fileURLToPath } from 'node:url';
import { BENCH_BUILD } from '../scripts/freshness.mjs';

/**
 * The build the benchmarks serve: the app and bench.html together (vite.bench.config.ts;
 * the production build has no benchmark page). BENCH_DIST_DIR serves another one, e.g.
 * `npx vite build --config vite.bench.config.ts --minify false --outDir /tmp/x` for
 * readable names in profiles.
 */
export const BENCH_DIST_DIR = process.env.BENCH_DIST_DIR || fileURLToPath(new URL(`../${BENCH_BUILD.outDir}`, import.meta.url));
