import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { findChromium, CHROMIUM_ARGS } from './scripts/chromium.mjs';

// Two projects: `unit` runs pure code in Node; `browser` runs adapter tests
// (IndexedDB, WebCrypto keys, Workers, BroadcastChannel) in a real Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'scripts/**/*.test.ts', 'build/**/*.test.ts', 'fuzz/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['src/**/*.browser.test.ts'],
          environment: 'node',
        },
      },
      {
        // Pre-bundle the wallet libraries once, up front: discovering them mid-run makes Vite
        // rebuild its dependency cache and fail imports of tests already running.
        optimizeDeps: { include: ['@starknet-io/get-starknet-core', 'starknet', 'viem', 'viem/accounts', 'viem/siwe', 'uplot'] },
        test: {
          name: 'browser',
          // A local EVM for the wallet doubles' transactions (inject('hardhatRpcUrl')).
          globalSetup: ['e2e/wallets/chainGlobalSetup.ts'],
          // Core crypto runs here too: both platforms must give identical answers.
          include: ['src/**/*.browser.test.ts', 'src/core/crypto/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
