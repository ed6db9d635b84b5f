import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds (with Vite) a page whose only script is `pageEntry`, a plain-JS module in which
 * the string CONNECTOR is replaced by the path of `connector` (a src/wallets module it
 * imports dynamically, as the app does): the connector in a real page, with no app around it.
 * The page is written to `dir/out` (index.html + harness.js), ready for startApp's `distDir`.
 */
export async function buildConnectorPage(dir: string, options: { connector: string; pageEntry: string; title: string }): Promise<void> {
  const entry = join(dir, 'entry.js');
  await writeFile(entry, options.pageEntry.replace('CONNECTOR', JSON.stringify(relative(dir, join(ROOT, options.connector)))));
  await build({
    configFile: false,
    root: ROOT,
    publicDir: false,
    logLevel: 'warn',
    cacheDir: join(dir, 'vite-cache'),
    build: {
      outDir: join(dir, 'out'),
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: { input: { harness: entry }, output: { entryFileNames: 'harness.js' } },
    },
  });
  await writeFile(
    join(dir, 'out', 'index.html'),
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>${options.title}</title><script type="module" src="/harness.js"></script>`,
  );
}
