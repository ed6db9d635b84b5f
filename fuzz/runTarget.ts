import { toHex } from '../src/core/crypto/index.ts';
import { mutate, type MutationSource } from './mutate.ts';
import { createRng, type Rng } from './rng.ts';
import { judgeInput, type CrashKind, type FuzzTarget } from './target.ts';

/** One distinct crash: the smallest input seen for it and how often it happened. */
export interface Crash {
  kind: CrashKind;
  error: string;
  /** Where it was thrown (stack), for exceptions. */
  detail: string;
  /** Index of the input in the run (with the seed, regenerates it). */
  index: number;
  inputHex: string;
  count: number;
}

export interface TargetReport {
  name: string;
  seed: number;
  inputs: number;
  seconds: number;
  decoded: number;
  refused: number;
  crashes: number;
  distinct: Crash[];
}

export interface RunOptions {
  runs: number;
  seed: number;
  /** Called now and then with the counts so far (a worker reports liveness with it). */
  onProgress?(inputs: number): void;
  /** Called before each input (a worker keeps it where a watchdog can find it after a hang). */
  onInput?(input: Uint8Array): void;
}

/** Share of inputs that are random bytes rather than mutated seeds. */
const RANDOM_SHARE = 0.05;
/** Accepted mutants kept as further starting points (bounded: mutation only, no coverage feedback). */
const POOL_MAX = 512;
/** A single input slower than this is reported: decoders must not have super-linear paths. */
const SLOW_MS = 1000;
const MAX_DISTINCT = 16;

/**
 * Fuzz one target: `runs` inputs, each a mutation of a seed or of an earlier accepted input,
 * or random bytes. Deterministic for a given seed and target.
 */
export async function fuzzTarget(target: FuzzTarget<any>, options: RunOptions): Promise<TargetReport> {
  const seeds = await target.seeds();
  const decodable = seeds.filter((s) => judgeInput(target, s).kind === 'decoded');
  if (decodable.length === 0) throw new Error(`no seed of target ${target.name} decodes: the seeds are broken`);
  const rng = createRng(options.seed, target.name);
  const pool = [...seeds];
  const source: MutationSource = { rng, pool, dictionary: target.dictionary ?? [], maxBytes: target.maxInputBytes };
  const report: TargetReport = { name: target.name, seed: options.seed, inputs: 0, seconds: 0, decoded: 0, refused: 0, crashes: 0, distinct: [] };
  const bySignature = new Map<string, Crash>();
  const started = performance.now();

  for (let index = 0; index < options.runs; index++) {
    const input = rng.chance(RANDOM_SHARE) ? randomInput(rng, target) : mutate(rng.pick(pool), source);
    options.onInput?.(input);
    const t0 = performance.now();
    let verdict = judgeInput(target, input);
    if (verdict.kind !== 'crash' && performance.now() - t0 > SLOW_MS) {
      const ms = fastestOfThree(target, input);
      if (ms > SLOW_MS) verdict = { kind: 'crash', crash: 'slow', error: `one input takes ${Math.round(ms)} ms`, detail: '' };
    }
    report.inputs++;
    if (verdict.kind === 'decoded') {
      report.decoded++;
      keepAccepted(pool, seeds.length, input, rng);
    } else if (verdict.kind === 'refused') {
      report.refused++;
    } else {
      report.crashes++;
      const signature = `${verdict.crash}|${verdict.error.replace(/\d+/g, 'N').slice(0, 120)}|${firstFrame(verdict.detail)}`;
      const seen = bySignature.get(signature);
      if (seen) {
        seen.count++;
        if (input.length < seen.inputHex.length / 2) Object.assign(seen, { index, inputHex: toHex(input) });
      } else if (bySignature.size < MAX_DISTINCT) {
        bySignature.set(signature, { kind: verdict.crash, error: verdict.error, detail: verdict.detail, index, inputHex: toHex(input), count: 1 });
      }
    }
    if ((index & 0x3ff) === 0x3ff) options.onProgress?.(report.inputs);
  }
  report.seconds = (performance.now() - started) / 1000;
  report.distinct = [...bySignature.values()];
  return report;
}

/** The best of three timings: a GC pause or a busy machine slows one run, not three. */
function fastestOfThree(target: FuzzTarget<any>, input: Uint8Array): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    judgeInput(target, input);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function randomInput(rng: Rng, target: FuzzTarget<any>): Uint8Array {
  const length = rng.below(Math.min(target.maxInputBytes, 512) + 1);
  const out = rng.bytes(length);
  if (target.header && rng.chance(0.75)) out.set(target.header.subarray(0, length));
  return out;
}

function keepAccepted(pool: Uint8Array[], seedCount: number, input: Uint8Array, rng: Rng): void {
  if (pool.length < POOL_MAX) pool.push(input);
  else if (rng.chance(0.1)) pool[seedCount + rng.below(POOL_MAX - seedCount)] = input;
}

/** The first stack frame inside this repository: crashes thrown at one place count as one. */
function firstFrame(stack: string): string {
  return stack.split('\n').find((line) => /\/(src|fuzz)\//.test(line))?.trim() ?? '';
}
