// How a context's costs grow with its history, in Node, on the real node path: a node
// (bareTestNode: memory store, memory mesh, inline runtime) whose store already holds the
// owner's identity and a context of N signed ops (growthFixture), opened cold.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { recordGoal } from './goals.ts';
import { median } from './measure.ts';
import { memoryStore, type Store } from '../src/core/store/index.ts';
import { memoryMeshHub } from '../src/node/contexts/memoryMesh.ts';
import { realTimeScheduler } from '../src/node/scheduler.ts';
import { bareTestNode } from '../src/node/testing.ts';
import { OPEN_LIMITS } from '../src/node/contexts/context/storedHistory.ts';
import type { TabnodeNode } from '../src/node/createNode.ts';
import { growthFixture, type GrowthFixture } from './growthFixture.ts';
import { putFixture } from './fixtureStore.ts';
import type { Sized, Timed } from './table.ts';
import { sealAsVerified } from './sealedStore.ts';

export const GROWTH = {
  sizes: [1_000, 10_000, 100_000],
  /** Writes timed in each context (alternating with the fresh context's), after warm-up ones. */
  writes: 40,
  warmWrites: 5,
  coldOpenGoalMs: { 10_000: 150, 100_000: 500 } as Record<number, number>,
  writeGoalRatio: 1.2,
  heapGoalBytes: 150e6,
  /**
   * The 100k-op row is skipped when the run so far (fixtures and opens) predicts it would take
   * longer than this; GROWTH_BUDGET_S=600 in the environment allows more (a loaded machine).
   */
  budgetMs: Number(process.env.GROWTH_BUDGET_S ?? 170) * 1000,
  /** The open that verifies every op (the baseline of a reopen) runs up to this size: 100k would take minutes. */
  fullVerifyMaxOps: 10_000,
} as const;

/** `global.gc`, exposed for this process at run time when node was not started with --expose-gc. */
function collector(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The JS heap, and the ArrayBuffer bytes outside it (op bytes, seals, snapshots), after GC. */
async function heapAfterGc(gc: () => void): Promise<{ heap: number; buffers: number }> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heap: heapUsed, buffers: arrayBuffers };
}

/**
 * A store holding the fixture's owner (root, device key, delegation) and the context's ops, as
 * a node left them; `sealed`: also the seal and snapshot a node writes once it verified them.
 */
async function filledStore(f: GrowthFixture, sealed: boolean): Promise<{ store: Store; id: string }> {
  const store = memoryStore();
  const id = await putFixture(store, [...f.governance, ...f.deltas]);
  if (sealed) await sealAsVerified(store, id, [...f.governance, ...f.deltas]);
  return { store, id };
}

interface Opened {
  ops: number;
  /** Until view() counts every op: the history loaded, writes and sync running. */
  openMs: number;
  /** Until view() first shows the state (a long history's opening view, from its sealed snapshot), or openMs. */
  viewMs: number;
  /** Heap with the node and the context open, less the heap before the node (the store's bytes excluded). */
  heapBytes: number;
  /** ArrayBuffer bytes outside the heap, measured the same way (not in heapUsed). */
  bufferBytes: number;
  writeMs?: number;
  freshWriteMs?: number;
  storedBytes: number;
  snapshotBytes: number;
  sealBytes: number;
}

/** `p`, or an error once `ms` have passed (a stuck call fails the section instead of hanging the run). */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}


/** Open the fixture's context cold in a new node; then time writes in it against a fresh context of the same node. */
async function openCold(f: GrowthFixture, gc: () => void, withWrites: boolean, sealed: boolean): Promise<Opened> {
  const total = f.governance.length + f.deltas.length;
  const { store, id } = await filledStore(f, sealed);
  const before = await heapAfterGc(gc);
  const start = performance.now();
  const node: TabnodeNode = await bareTestNode(memoryMeshHub(realTimeScheduler), 'growth', { store });
  let viewMs: number | undefined;
  for (;;) {
    const v = await node.contexts.open(id).view();
    if (viewMs === undefined && (v.kv.length > 0 || v.opCount >= total)) viewMs = performance.now() - start;
    // Loaded means the open resolved (no opening view): an opening view counts every op while
    // the open still settles, with the load's working set alive (it would count in the heap).
    if (v.opCount >= total && !v.opening) break;
    if (performance.now() - start > 120_000) throw new Error(`the context did not open within 120 s (${v.opCount} of ${total} ops)`);
    await new Promise((r) => setTimeout(r, 2));
  }
  const openMs = performance.now() - start;
  const after = await heapAfterGc(gc);
  const out: Opened = { ops: total, openMs, viewMs: viewMs ?? openMs, heapBytes: after.heap - before.heap, bufferBytes: after.buffers - before.buffers, storedBytes: 0, snapshotBytes: 0, sealBytes: 0 };
  try {
    if (withWrites) {
      const fresh = await node.contexts.create('fresh');
      const write = async (ctx: string, i: number) => {
        const t = performance.now();
        const outcome = await within(30_000, 'a write', node.contexts.open(ctx).write({ method: 'set', args: { key: `bench${i % 50}`, value: { i, text: 'a short note' } } }));
        if (!outcome.valid) throw new Error(`a write in the ${ctx === id ? 'grown' : 'fresh'} context was not valid`);
        return performance.now() - t;
      };
      for (let i = 0; i < GROWTH.warmWrites; i++) {
        await write(id, i);
        await write(fresh, i);
      }
      const grown: number[] = [];
      const base: number[] = [];
      for (let i = 0; i < GROWTH.writes; i++) {
        grown.push(await write(id, i));
        base.push(await write(fresh, i));
      }
      out.writeMs = median(grown);
      out.freshWriteMs = median(base);
    }
    out.storedBytes = (await store.ops(id)).reduce((s, b) => s + b.length, 0);
    out.snapshotBytes = (await store.snapshot(id))?.length ?? 0;
    out.sealBytes = (await store.seals(id)).reduce((n, r) => n + r.entries.length + r.mac.length, 0);
  } finally {
    await node.close();
  }
  return out;
}

/** The goals among these rows: cold open at 10k and 100k, write and heap at 100k. */
function recordGrowthGoals(rows: { size: number; r: Opened | string }[]): void {
  const at = (size: number) => rows.find((row) => row.size === size)?.r ?? `not measured: no ${k(size)}-op row`;
  const of = <T>(r: Opened | string, f: (o: Opened) => T): T | string => (typeof r === 'string' ? r : f(r));
  // The usable view: the state readable (a long history's opening view); actions wait for the full load, named beside it.
  const loadedAt = (o: Opened) => `Node, memory store; the state readable from the sealed snapshot; writes and sync wait for the full load at ${Math.round(o.openMs)} ms`;
  recordGoal({ goal: 'cold-open-10k', figure: of(at(10_000), (o) => o.viewMs), detail: of(at(10_000), loadedAt) as string });
  recordGoal({ goal: 'cold-open-100k', figure: of(at(100_000), (o) => o.viewMs), detail: of(at(100_000), loadedAt) as string });
  recordGoal({ goal: 'write-100k', figure: of(at(100_000), (o) => o.writeMs! / o.freshWriteMs!), detail: `medians of ${GROWTH.writes}, Node` });
  const buffers = of(at(100_000), (o) => `; plus ${(o.bufferBytes / 1e6).toFixed(1)} MB of ArrayBuffers outside it`);
  recordGoal({ goal: 'heap-100k', figure: of(at(100_000), (o) => o.heapBytes / 1e6), detail: `Node's JS heap, not Chromium's${typeof buffers === 'string' && buffers.startsWith(';') ? buffers : ''}` });
}

export interface GrowthFigures {
  coldOpen: Timed[];
  writes: Timed[];
  heap: Sized[];
  stored: Sized[];
  notes: string[];
}

const k = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));

export async function growthFigures(): Promise<GrowthFigures> {
  const gc = collector();
  const sectionStart = performance.now();
  const notes: string[] = [];
  // Warm-up (not counted): the first node of the process pays for compiling its code.
  await openCold(await growthFixture(GROWTH.sizes[0]!), gc, true, true);
  const base = await openCold(await growthFixture(5), gc, false, true);
  const rows: { size: number; r: Opened | string; full: Opened | string }[] = [];
  let spentPerOp = 0;
  for (const size of GROWTH.sizes) {
    const elapsed = performance.now() - sectionStart;
    if (spentPerOp > 0 && elapsed + spentPerOp * size > GROWTH.budgetMs) {
      const skipped = `not measured: predicted ${Math.round((spentPerOp * size) / 1000)} s over the section's ${GROWTH.budgetMs / 1000} s budget (GROWTH_BUDGET_S=seconds raises it)`;
      rows.push({ size, r: skipped, full: skipped });
      continue;
    }
    const t = performance.now();
    const f = await growthFixture(size);
    notes.push(`${k(size)}-op fixture: ${f.cached ? 'read from bench/.cache/' : 'built'} in ${(f.buildMs / 1000).toFixed(2)} s (${f.members} authors; genesis, ${f.governance.length - 1} joins, ${f.deltas.length.toLocaleString('en-US')} deltas).`);
    const failed = (e: unknown) => `not measured: ${e instanceof Error ? e.message : String(e)}`;
    const r = await openCold(f, gc, true, true).catch(failed);
    // What the next size is predicted from: the fixture and the sealed open (the full one stops at fullVerifyMaxOps).
    spentPerOp = Math.max(spentPerOp, (performance.now() - t) / size);
    const full = size <= GROWTH.fullVerifyMaxOps ? await openCold(f, gc, false, false).catch(failed) : `not measured: verifying ${k(size)} signatures takes minutes (runs up to ${k(GROWTH.fullVerifyMaxOps)})`;
    rows.push({ size, r, full });
  }

  const first = rows[0]!.r;
  const firstName = `${k(GROWTH.sizes[0]!)}-op context`;
  const baseName = `${base.ops}-op context (genesis + joins)`;
  const pick = <T>(r: Opened | string, f: (o: Opened) => T): T | string => (typeof r === 'string' ? r : f(r));
  const coldOpen: Timed[] = rows.flatMap(({ size, r, full }): Timed[] => [
    {
      measure: `cold open, ${k(size)} ops sealed as verified, to the state readable (new node until view() shows it)`,
      ms: pick(r, (o) => o.viewMs),
      baseline: 'same context, first open: every op verified',
      baselineMs: pick(full, (o) => o.openMs),
      goal: GROWTH.coldOpenGoalMs[size] !== undefined ? { ms: GROWTH.coldOpenGoalMs[size] } : {},
    },
    {
      measure: `cold open, ${k(size)} ops sealed as verified, to the history loaded (until view() has them all)`,
      ms: pick(r, (o) => o.openMs),
      baseline: 'same context, first open: every op verified',
      baselineMs: pick(full, (o) => o.openMs),
      goal: {},
    },
  ]);
  const writes: Timed[] = rows.map(({ size, r }) => ({
    measure: `write (contexts.write set), ${k(size)}-op context, median of ${GROWTH.writes}`,
    ms: pick(r, (o) => o.writeMs!),
    baseline: 'fresh context, same node',
    baselineMs: pick(r, (o) => o.freshWriteMs!),
    goal: size === 100_000 ? { ratio: GROWTH.writeGoalRatio } : {},
  }));
  const heap: Sized[] = rows.flatMap(({ size, r }, i) => [
    {
      measure: `heap after GC, node + ${k(size)}-op context open`,
      bytes: pick(r, (o) => o.heapBytes),
      baseline: i === 0 ? baseName : firstName,
      baselineBytes: i === 0 ? base.heapBytes : pick(first, (o) => o.heapBytes),
      ...(size === 100_000 ? { goalBytes: GROWTH.heapGoalBytes } : {}),
    },
    {
      measure: `ArrayBuffer bytes outside the heap, same open (${k(size)})`,
      bytes: pick(r, (o) => o.bufferBytes),
      baseline: i === 0 ? baseName : firstName,
      baselineBytes: i === 0 ? base.bufferBytes : pick(first, (o) => o.bufferBytes),
    },
  ]);
  const stored: Sized[] = rows.flatMap(({ size, r }, i) => [
    {
      measure: `stored op bytes, ${k(size)}-op context`,
      bytes: pick(r, (o) => o.storedBytes),
      baseline: i === 0 ? baseName : firstName,
      baselineBytes: i === 0 ? base.storedBytes : pick(first, (o) => o.storedBytes),
    },
    {
      measure: `stored snapshot bytes, ${k(size)}-op context`,
      bytes: pick(r, (o) => o.snapshotBytes),
      baseline: i === 0 ? baseName : firstName,
      baselineBytes: i === 0 ? base.snapshotBytes || '0 B' : pick(first, (o) => o.snapshotBytes),
    },
    {
      measure: `stored seal bytes, ${k(size)}-op context`,
      bytes: pick(r, (o) => o.sealBytes),
      baseline: i === 0 ? baseName : firstName,
      baselineBytes: i === 0 ? base.sealBytes : pick(first, (o) => o.sealBytes),
    },
  ]);
  recordGrowthGoals(rows);
  notes.push(
    `Before the figures, one uncounted open of the smallest context warms up the code. Cold open: a new node (bareTestNode: memoryStore, memory mesh, inline runtime) over a store already holding the owner's identity, the context's ops (store.putOps) and what a node writes once it verified them (a seal and a sealed snapshot, bench/sealedStore.ts), timed from createNode until contexts.view(id) first shows the state (a history whose snapshot covers ${OPEN_LIMITS.previewFromDeltas.toLocaleString('en-US')}+ deltas gives an opening view: its sealed snapshot's state while the ops load, docs/decisions/opening-long-histories.md) and until it counts every op (the history loaded: writes and sync run from then); one open per size. Its baseline: the same context opened from a store holding only its ops (every op verified, as before seals), up to ${k(GROWTH.fullVerifyMaxOps)} ops.`,
    `Writes: after the open, ${GROWTH.warmWrites} warm-up writes, then ${GROWTH.writes} contexts.write calls alternating between the grown context and a context created fresh in the same node; medians. Stored figures include these writes.`,
    `Heap: process.memoryUsage().heapUsed after gc() (three passes), with the node and context open, less the same before createNode (the memory store's op bytes and the fixture are excluded); the goal is on this JS heap, and the row after it shows process.memoryUsage().arrayBuffers measured the same way (the op bytes, seals and snapshots the context holds outside the JS heap), so the two together are what the open costs; gc is ${(globalThis as { gc?: unknown }).gc ? 'node --expose-gc' : "exposed at run time (v8.setFlagsFromString('--expose-gc') + vm)"}. Node's heap, not Chromium's.`,
    `Stored bytes: the memory store's op bytes (what IndexedDB would hold as op values, without its keys and overhead) its snapshot (one every 200 deltas applied live, and one after an open that verified ops or found no valid snapshot; the MAC included) and its seals (96 bytes per op plus a MAC per seal; seals merge so a context keeps O(log n)).`,
    `Whole section: ${((performance.now() - sectionStart) / 1000).toFixed(1)} s.`,
  );
  return { coldOpen, writes, heap, stored, notes };
}
