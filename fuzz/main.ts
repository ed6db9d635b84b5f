// `npm run fuzz`: fuzz every decoder of untrusted input (fuzz/README.md).
//   --runs N      inputs per decoder (default 1,000,000)
//   --only a,b    only these decoders (names as in the table; --list shows them)
//   --seed S      the run's seed (default: a fresh one, printed)
//   --jobs J      worker threads (default: one per core)
//   --replay X    run one input, hex or a .hex file, against the one --only decoder
import { availableParallelism } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fromHex } from '../src/core/crypto/index.ts';
import type { TargetReport } from './runTarget.ts';
import { renderCrash, renderTable } from './table.ts';
import { judgeInput } from './target.ts';
import { TARGETS, targetNamed } from './targets/index.ts';
import { fuzzInWorkers } from './workerPool.ts';

const CRASH_DIR = new URL('./crashes/', import.meta.url);

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    only: { type: 'string', multiple: true },
    seed: { type: 'string' },
    jobs: { type: 'string' },
    replay: { type: 'string' },
    list: { type: 'boolean', default: false },
  },
});

const wholeNumber = (text: string, what: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got ${text}`);
  return n;
};

if (values.list) {
  for (const t of TARGETS) console.log(`${t.name.padEnd(18)} ${t.decoder}`);
  process.exit(0);
}

const names = (values.only ?? []).flatMap((o) => o.split(',')).filter(Boolean);
const targets = names.length ? names.map(targetNamed) : [...TARGETS];

if (values.replay !== undefined) {
  if (targets.length !== 1) throw new Error('--replay needs exactly one --only decoder');
  const text = values.replay.endsWith('.hex') ? readFileSync(values.replay, 'utf8') : values.replay;
  const input = fromHex(text.trim());
  await targets[0]!.seeds(); // some targets set up from their seeds (state-update's base state)
  const verdict = judgeInput(targets[0]!, input);
  console.log(`${targets[0]!.name}: ${input.length} bytes → ${verdict.kind}`);
  if (verdict.kind === 'crash') console.log(`${verdict.crash}: ${verdict.error}\n${verdict.detail}`);
  process.exit(verdict.kind === 'crash' ? 1 : 0);
}

const runs = wholeNumber(values.runs, '--runs');
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : wholeNumber(values.seed, '--seed');
const jobs = Math.max(1, Math.min(targets.length, values.jobs === undefined ? availableParallelism() : wholeNumber(values.jobs, '--jobs')));
console.log(`fuzz: ${targets.length} decoders, ${runs.toLocaleString('en-US')} inputs each, seed ${seed}, ${jobs} worker thread(s)`);

const reports = new Map<string, TargetReport>();
const started = performance.now();
const failures = await fuzzInWorkers(
  targets.map((t) => t.name),
  {
    runs,
    seed,
    jobs,
    onReport(r) {
      reports.set(r.name, r);
      console.log(`${r.name}: ${r.inputs.toLocaleString('en-US')} inputs in ${r.seconds.toFixed(1)} s, ${r.crashes} crashes`);
    },
  },
);

const ordered = targets.flatMap((t) => reports.get(t.name) ?? []);
console.log(`\n${renderTable(ordered)}\n`);
for (const r of ordered) {
  for (const crash of r.distinct) {
    mkdirSync(CRASH_DIR, { recursive: true });
    const file = new URL(`${r.name}-seed${seed}-${crash.index}.hex`, CRASH_DIR).pathname;
    writeFileSync(file, `${crash.inputHex}\n`);
    console.log(`${renderCrash(r.name, seed, crash, file)}\n`);
  }
}
for (const f of failures) console.log(f);
const crashes = ordered.reduce((n, r) => n + r.crashes, 0);
console.log(`fuzz: ${crashes} crashes, ${failures.length} harness failures, ${((performance.now() - started) / 1000).toFixed(0)} s (seed ${seed})`);
process.exit(crashes > 0 || failures.length > 0 || ordered.length < targets.length ? 1 : 0);
