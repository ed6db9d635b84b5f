// Runs once before all e2e tests: make sure a Chromium exists and dist/ is current.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildFreshness } from '../scripts/freshness.mjs';
import { findChromium, HOW_TO_INSTALL } from './chromium.ts';

export class E2eSetupError extends Error {
  override name = 'E2eSetupError';
}

export default function setup(): void {
  if (!findChromium()) throw new E2eSetupError(HOW_TO_INSTALL);

  const root = fileURLToPath(new URL('..', import.meta.url));
  // The WASM apps first (a no-op when nothing changed): the build copies them into dist/.
  const apps = spawnSync(process.execPath, ['scripts/build-apps.mjs'], { cwd: root, stdio: 'inherit' });
  if (apps.status !== 0) throw new E2eSetupError(`building the WASM apps failed (exit code ${apps.status ?? apps.signal})`);
  const build = buildFreshness(root);
  if (!build.stale) return;
  console.log(`e2e: building the app (vite build): ${build.reason}`);
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build:
  // the tests must run the app that is served, under the policy that is served.
  const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    throw new E2eSetupError(`vite build failed (exit code ${result.status ?? result.signal}); see its output above`);
  }
}
