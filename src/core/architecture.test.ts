import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';

// Core must stay pure: it runs unchanged in Node (tests, simulations) and in browsers.
const CORE = new URL('.', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && !name.endsWith('Contract.ts') ? [path] : [];
  });
}

const FORBIDDEN_IMPORTS = [/from '(react|react-dom|dexie|y-webrtc)/, /from '\.\.\/\.\.\/(adapters|node|ui)\//, /from '\.\.\/(adapters|node|ui)\//];
const FORBIDDEN_GLOBALS = [
  /\bwindow\./,
  /\bdocument\./,
  /\bindexedDB\b/,
  /\blocalStorage\b/,
  /\bRTCPeerConnection\b/,
  /\bWebSocket\b/,
  /\bMath\.random\b/,
  /\bDate\.now\b/,
  /\bnew Date\(\)/,
  /\bsetTimeout\b/,
  /\bsetInterval\b/,
  /\bgetRandomValues\b/,
];

test.each(sourceFiles(CORE).map((p) => [relative(CORE, p), p]))('core/%s imports no adapter and touches no browser API', (_name, path) => {
  const text = readFileSync(path, 'utf8');
  for (const rule of [...FORBIDDEN_IMPORTS, ...FORBIDDEN_GLOBALS]) expect(text).not.toMatch(rule);
});
