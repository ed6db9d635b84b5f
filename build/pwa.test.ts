import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { CHAIN_PATH } from '../server/chain/chainService.ts';
import { DEFAULT_SIGNALING_OPTIONS } from '../server/signaling.ts';
import { NETWORK_ONLY_PATHS, PWA_OPTIONS } from './pwa.ts';

const PUBLIC = fileURLToPath(new URL('../public', import.meta.url));
const networkOnly = (path: string) => NETWORK_ONLY_PATHS.some((pattern) => pattern.test(path));

test('the server’s chain and signaling endpoints never get the cached app shell; app routes do', () => {
  for (const path of [CHAIN_PATH, `${CHAIN_PATH}/config`, `${CHAIN_PATH}/faucet`, `${CHAIN_PATH}/relay`, DEFAULT_SIGNALING_OPTIONS.path]) {
    expect(networkOnly(path), path).toBe(true);
  }
  for (const path of ['/', '/contexts/ab12', '/join', '/settings', '/chains', '/signals']) expect(networkOnly(path), path).toBe(false);
});

test('the manifest installs: standalone, start_url in scope, 192 and 512 px icons and a maskable one, all in public/', () => {
  const { manifest } = PWA_OPTIONS;
  expect(manifest).toMatchObject({ name: 'Tabnode', start_url: '/', scope: '/', display: 'standalone' });
  const sizes = manifest.icons.filter((i) => i.purpose === 'any').map((i) => i.sizes);
  expect(sizes).toEqual(['192x192', '512x512']);
  expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
  for (const icon of manifest.icons) expect(existsSync(join(PUBLIC, icon.src)), icon.src).toBe(true);
});

test('a new version waits for the user, and the registration is the app’s own (no inline script)', () => {
  expect(PWA_OPTIONS.registerType).toBe('prompt');
  expect(PWA_OPTIONS.injectRegister).toBe(false);
  expect(PWA_OPTIONS.workbox.inlineWorkboxRuntime).toBe(false);
});
