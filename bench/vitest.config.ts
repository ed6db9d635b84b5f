import { defineConfig } from 'vitest/config';

// The root config's `unit` project covers src/, server/, scripts/, build/ and fuzz/, not bench/:
// `npx vitest run --config bench/vitest.config.ts` runs the bench's own tests (fixture builders).
export default defineConfig({ test: { name: 'bench', root: new URL('.', import.meta.url).pathname, include: ['**/*.test.ts'], environment: 'node' } });
