#!/usr/bin/env node
// Compiles the AssemblyScript apps in apps/ to raw WebAssembly, offline, with asc:
//   public/apps/<name>.wasm and public/apps/index.json   built-in apps, served with the app
//   apps/test/build/<name>.wasm                          modules for the runtime tests
//
// A target is rebuilt only when its inputs changed: a SHA-256 over the SDK, its own source,
// its flags, the asc version and this script, kept in node_modules/.cache/tabnode-apps/.
// Outputs are written to a temporary file and renamed, so parallel runs (test files
// building at once) never expose half a module.
//
// Also runs scripts/build-contracts.mjs (the registry contract), first.
//
// Usage: node scripts/build-apps.mjs [--force] [--only=apps|test] [--check]
//   --force  rebuild everything
//   --only   build only the built-in apps or only the test modules
//   --check  build nothing; exit 1 if any target is missing or stale
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(root, 'node_modules', '.cache', 'tabnode-apps');

// Apps: no GC (a fresh instance per call frees everything); the memory is imported from the
// host (env.memory), which reuses it between calls (much cheaper than a module-made memory
// per call) and caps it at 64 MiB (1024 pages); optimized for speed with some shrinking.
const APP = ['--runtime', 'stub', '-O3', '--shrinkLevel', '1', '--importMemory', '--maximumMemory', '1024'];
const BARE = ['--runtime', 'stub', '-O3', '--shrinkLevel', '1'];

/** @type {{ name: string, entry: string, out: string, flags: string[], group: 'apps' | 'test', description?: string }[]} */
const TARGETS = [
  { name: 'kv-store', entry: 'apps/kv-store/index.ts', group: 'apps', flags: APP, description: 'JSON values under string keys: get, set, remove, entries' },
  { name: 'team-board', entry: 'apps/team-board/index.ts', group: 'apps', flags: APP, description: 'Tasks with creator, assignee and status; private notes per member' },
  { name: 'hostile', entry: 'apps/test/hostile.ts', group: 'test', flags: APP },
  { name: 'probe', entry: 'apps/test/probe.ts', group: 'test', flags: APP },
  { name: 'tiny', entry: 'apps/test/tiny.ts', group: 'test', flags: [...BARE, '--maximumMemory', '1024'] }, // its own memory
  { name: 'tiny-imported', entry: 'apps/test/tiny.ts', group: 'test', flags: [...BARE, '--importMemory'] },
  { name: 'tiny-imported-small', entry: 'apps/test/tiny.ts', group: 'test', flags: [...BARE, '--importMemory', '--maximumMemory', '4'] },
  { name: 'tiny-no-max', entry: 'apps/test/tiny.ts', group: 'test', flags: BARE },
  { name: 'tiny-huge-max', entry: 'apps/test/tiny.ts', group: 'test', flags: [...BARE, '--maximumMemory', '2048'] },
  { name: 'tiny-huge-initial', entry: 'apps/test/tiny.ts', group: 'test', flags: [...BARE, '--initialMemory', '2048', '--maximumMemory', '4096'] },
  { name: 'random', entry: 'apps/test/random.ts', group: 'test', flags: APP },
  { name: 'clock', entry: 'apps/test/clock.ts', group: 'test', flags: APP },
  { name: 'no-manifest', entry: 'apps/test/no-manifest.ts', group: 'test', flags: APP },
  { name: 'bad-manifest', entry: 'apps/test/bad-manifest.ts', group: 'test', flags: APP },
  { name: 'bad-signature', entry: 'apps/test/bad-signature.ts', group: 'test', flags: APP },
  { name: 'endless-manifest', entry: 'apps/test/endless-manifest.ts', group: 'test', flags: APP },
  { name: 'start-host', entry: 'apps/test/start-host.ts', group: 'test', flags: APP },
].map((t) => ({ ...t, out: t.group === 'apps' ? `public/apps/${t.name}.wasm` : `apps/test/build/${t.name}.wasm` }));

const args = process.argv.slice(2);
const force = args.includes('--force');
const check = args.includes('--check');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
if (only && only !== 'apps' && only !== 'test') fail(`--only takes apps or test, not ${only}`);

const ascPackage = join(root, 'node_modules', 'assemblyscript', 'package.json');
if (!existsSync(ascPackage)) fail('AssemblyScript is not installed: run `npm install` (it is a devDependency)');
const ascVersion = JSON.parse(readFileSync(ascPackage, 'utf8')).version;
const script = readFileSync(fileURLToPath(import.meta.url));

const selected = TARGETS.filter((t) => !only || t.group === only);
const staleTargets = () => selected.filter((t) => force || !existsSync(join(root, t.out)) || readStamp(t) !== inputHash(t));

// The registry contract's TypeScript artifact first (a no-op unless the .sol changed), so
// every path that builds the apps (npm start, npm test, npm run build, bench) compiles it too.
const contracts = await import('./build-contracts.mjs');
if (check && contracts.committedInputHash() !== contracts.registryInputHash()) console.log('stale: src/adapters/chain/registry/artifact.ts');
if (!check) contracts.buildContracts();

if (check) {
  const stale = staleTargets();
  for (const t of stale) console.log(`stale: ${t.out}`);
  process.exit(stale.length || contracts.committedInputHash() !== contracts.registryInputHash() ? 1 : 0);
}

if (staleTargets().length > 0) {
  // Test files start this script in parallel: one builds, the others wait and find it done.
  await withLock(async () => {
    const stale = staleTargets();
    if (stale.length === 0) return;
    const { default: asc } = await import('assemblyscript/asc');
    console.log(`build-apps: compiling ${stale.length} module${stale.length === 1 ? '' : 's'} with asc (a second or two each)`);
    for (const t of stale) {
      const started = performance.now();
      const bytes = await compile(asc, t);
      writeAtomically(join(root, t.out), bytes);
      writeAtomically(stampPath(t), Buffer.from(inputHash(t)));
      console.log(`built ${t.out} (${bytes.length} bytes, ${Math.round(performance.now() - started)} ms)`);
    }
  });
}
if (!only || only === 'apps') writeIndex();

/** A directory as a lock; one left by a killed run is taken over after 5 minutes. */
async function withLock(work) {
  const lock = join(cacheDir, 'lock');
  mkdirSync(cacheDir, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Compile one target in this process (asc's own CLI would pay its 1-2 s start-up each time). */
async function compile(asc, t) {
  let wasm = null;
  const { error, stderr } = await asc.main([t.entry, ...t.flags, '--outFile', `${t.name}.wasm`], {
    readFile: (name, baseDir) => {
      const path = join(baseDir, name);
      return existsSync(path) ? readFileSync(path, 'utf8') : null;
    },
    writeFile: (_name, contents) => {
      wasm = Buffer.from(contents);
    },
    listFiles: (dir, baseDir) => {
      const path = join(baseDir, dir);
      return existsSync(path) ? readdirSync(path).filter((f) => f.endsWith('.ts')) : null;
    },
  });
  if (error || !wasm) {
    console.error(stderr.toString());
    fail(`asc could not compile ${t.entry}${error ? `: ${error.message}` : ''}`);
  }
  return wasm;
}

/** What a target's output depends on. */
function inputHash(t) {
  const hash = createHash('sha256');
  hash.update(`asc ${ascVersion}\0${JSON.stringify(t.flags)}\0`).update(script);
  const files = [...tsFiles(join(root, 'apps', 'sdk')), join(root, t.entry)];
  // An app's folder may hold more modules than its entry.
  if (t.group === 'apps') files.push(...tsFiles(dirname(join(root, t.entry))));
  for (const file of [...new Set(files)].sort()) hash.update(relative(root, file)).update('\0').update(readFileSync(file));
  return hash.digest('hex');
}

function tsFiles(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

function stampPath(t) {
  return join(cacheDir, `${t.group}-${t.name}.sha256`);
}

function readStamp(t) {
  const path = stampPath(t);
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

/** public/apps/index.json: the built-in apps with their ids (SHA-256 of the bytes). */
function writeIndex() {
  const apps = TARGETS.filter((t) => t.group === 'apps').map((t) => {
    const bytes = readFileSync(join(root, t.out));
    return { name: t.name, description: t.description, file: `${t.name}.wasm`, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
  const text = `${JSON.stringify({ apps }, null, 2)}\n`;
  const path = join(root, 'public', 'apps', 'index.json');
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeAtomically(path, Buffer.from(text));
}

function writeAtomically(path, bytes) {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, path);
}

function fail(message) {
  console.error(`build-apps: ${message}`);
  process.exit(1);
}
