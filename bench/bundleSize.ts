import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** What a first visit downloads before the app runs: the wallet issue's budget. */
export const FIRST_LOAD_BUDGET_KB = 250;

export interface BundleSize {
  /** The JavaScript files of the first load, relative to dist/. */
  files: string[];
  /** Their total gzip size in kB (1000 bytes), compressed one by one as they are served. */
  gzipKb: number;
}

/**
 * The first-load JavaScript of the built app: the scripts and module preloads dist/index.html
 * names, and every chunk they import statically. Chunks only reached by import() are
 * lazily loaded and not counted.
 */
export function firstLoadJs(distDir: string): BundleSize {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const pending = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/?([^"]+\.js)"/g)].map((m) => m[1]!);
  const files = new Set<string>();
  let bytes = 0;
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const code = readFileSync(join(distDir, file));
    bytes += gzipSync(code, { level: 9 }).length;
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    // Static imports of minified chunks: `import{a as b}from"./x.js"` or `import"./x.js"`.
    for (const m of code.toString('utf8').matchAll(/\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']\.\/([^"']+\.js)["']/g)) {
      pending.push(dir + m[1]!);
    }
  }
  return { files: [...files].sort(), gzipKb: bytes / 1000 };
}
