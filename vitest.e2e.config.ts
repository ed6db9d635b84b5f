import { defineConfig } from 'vitest/config';

// End-to-end tests: real server, real Chromium. One file at a time (the machines have
// 2 cores and every file launches browsers); generous timeouts for browser start-up.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    globalSetup: ['e2e/globalSetup.ts'],
    // Any Content-Security-Policy violation fails the test it happened in.
    setupFiles: ['e2e/failOnCspViolation.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
