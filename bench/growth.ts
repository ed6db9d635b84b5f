// How a context's costs grow with its history, in Node, on the real node path: a node
// (bareTestNode: memory store, memory mesh, inline runtime) whose store already holds the
// owner's identity and a context of N signed ops (growthFixture), opened cold.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { median } from './measure.ts';
import { memoryStore, type Store } from '../src/core/store/index.ts';
import { memoryMeshHub } from '../src/node/contexts/memoryMesh.ts';
import { realTimeScheduler } from '../src/node/scheduler.ts';
import { bareTestNode } from '../src/node/testing.ts';
import type { TabnodeNode } from '../src/node/createNode.ts';
import { growthFixture, type GrowthFixture } from './growthFixture.ts';
import { putFixture } from './fixtureStore.ts';
import type { Sized, Timed } from './table.ts';

export const GROWTH = {
  sizes: [1_000, 10_000, 100_000],
  /** Writes timed in each context (alternating with the fresh context's), after warm-up ones. */
  writes: 40,
  warmWrites: 5,
  coldOpenGoalMs: { 10_000: 150, 100_000: 500 } as Record<number, number>,
  writeGoalRatio: 1.2,
  heapGoalBytes: 150e6,
  /** The 100k-op row is skipped when the run so far (fixtures and opens) predicts it would take longer than this. */
  budgetMs: 170_000,
} as const;

/** `global.gc`, exposed for this process at run time when node was not started with --expose-gc. */
function collector(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function heapAfterGc(gc: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  return process.memoryUsage().heapUsed;
}

/** A store holding the fixture's owner (root, device key, delegation) and the context's ops, as a node left them. */
async function filledStore(f: GrowthFixture): Promise<{ store: Store; id: string }> {
  const store = memoryStore();
  return { store, id: await putFixture(store, [...f.governance, ...f.deltas]) };
}

interface Opened {
  ops: number;
  openMs: number;
  /** Heap with the node and the context open, less the heap before the node (the store's bytes excluded). */
  heapBytes: number;
  writeMs?: number;
  freshWriteMs?: number;
  storedBytes: number;
  snapshotBytes: number;
}

/** `p`, or an error once `ms` have passed (a stuck call fails the section instead of hanging the run). */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}


/** Open the fixture's context cold in a new node; then time writes in it against a fresh context of the same node. */
async function openCold(f: GrowthFixture, gc: () => void, withWrites: boolean): Promise<Opened> {
  const total = f.governance.length + f.deltas.length;
  const { store, id } = await filledStore(f);
  const before = await heapAfterGc(gc);
  const start = performance.now();
  const node: TabnodeNode = await bareTestNode(memoryMeshHub(realTimeScheduler), 'growth', { store });
  for (;;) {
    const v = await node.contexts.view(id);
    if (v.opCount >= total) break;
    if (performance.now() - start > 120_000) throw new Error(`the context did not open within 120 s (${v.opCount} of ${total} ops)`);
    await new Promise((r) => setTimeout(r, 2));
  }
  const openMs = performance.now() - start;
  const heapBytes = (await heapAfterGc(gc)) - before;
  const out: Opened = { ops: total, openMs, heapBytes, storedBytes: 0, snapshotBytes: 0 };
  try {
    if (withWrites) {
      const fresh = await node.contexts.create('fresh');
      const write = async (ctx: string, i: number) => {
        const t = performance.now();
        const outcome = await within(30_000, 'a write', node.contexts.write(ctx, { method: 'set', args: { key: `bench${i % 50}`, value: { i, text: 'a short note' } } }));
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
  } finally {
    await node.close();
  }
  return out;
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
  await openCold(await growthFixture(GROWTH.sizes[0]!), gc, true);
  const base = await openCold(await growthFixture(5), gc, false);
  const rows: { size: number; r: Opened | string }[] = [];
  let spentPerOp = 0;
  for (const size of GROWTH.sizes) {
    const elapsed = performance.now() - sectionStart;
    if (spentPerOp > 0 && elapsed + spentPerOp * size > GROWTH.budgetMs) {
      rows.push({ size, r: `not measured: predicted ${Math.round((spentPerOp * size) / 1000)} s over the section's ${GROWTH.budgetMs / 1000} s budget` });
      continue;
    }
    const t = performance.now();
    const f = await growthFixture(size);
    notes.push(`${k(size)}-op fixture: ${f.cached ? 'read from bench/.cache/' : 'built'} in ${(f.buildMs / 1000).toFixed(2)} s (${f.members} authors; genesis, ${f.governance.length - 1} joins, ${f.deltas.length.toLocaleString('en-US')} deltas).`);
    try {
      rows.push({ size, r: await openCold(f, gc, true) });
    } catch (e) {
      rows.push({ size, r: `not measured: ${e instanceof Error ? e.message : String(e)}` });
    }
    spentPerOp = Math.max(spentPerOp, (performance.now() - t) / size);
  }

  const first = rows[0]!.r;
  const firstName = `${k(GROWTH.sizes[0]!)}-op context`;
  const baseName = `${base.ops}-op context (genesis + joins)`;
  const pick = <T>(r: Opened | string, f: (o: Opened) => T): T | string => (typeof r === 'string' ? r : f(r));
  const coldOpen: Timed[] = rows.map(({ size, r }, i) => ({
    measure: `cold open, ${k(size)} ops (new node until view() has them all)`,
    ms: pick(r, (o) => o.openMs),
    baseline: i === 0 ? baseName : firstName,
    baselineMs: i === 0 ? base.openMs : pick(first, (o) => o.openMs),
    goal: GROWTH.coldOpenGoalMs[size] !== undefined ? { ms: GROWTH.coldOpenGoalMs[size] } : {},
  }));
  const writes: Timed[] = rows.map(({ size, r }) => ({
    measure: `write (contexts.write set), ${k(size)}-op context, median of ${GROWTH.writes}`,
    ms: pick(r, (o) => o.writeMs!),
    baseline: 'fresh context, same node',
    baselineMs: pick(r, (o) => o.freshWriteMs!),
    goal: size === 100_000 ? { ratio: GROWTH.writeGoalRatio } : {},
  }));
  const heap: Sized[] = rows.map(({ size, r }, i) => ({
    measure: `heap after GC, node + ${k(size)}-op context open`,
    bytes: pick(r, (o) => o.heapBytes),
    baseline: i === 0 ? baseName : firstName,
    baselineBytes: i === 0 ? base.heapBytes : pick(first, (o) => o.heapBytes),
    ...(size === 100_000 ? { goalBytes: GROWTH.heapGoalBytes } : {}),
  }));
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
  ]);
  notes.push(
    `Before the figures, one uncounted open of the smallest context warms up the code. Cold open: a new node (bareTestNode: memoryStore, memory mesh, inline runtime) over a store already holding the owner's identity and the context's ops (store.putOps), timed from createNode until contexts.view(id).opCount counts every op; one open per size. The store holds no snapshot before the open: every op is re-verified.`,
    `Writes: after the open, ${GROWTH.warmWrites} warm-up writes, then ${GROWTH.writes} contexts.write calls alternating between the grown context and a context created fresh in the same node; medians. Stored figures include these writes.`,
    `Heap: process.memoryUsage().heapUsed after gc() (three passes), with the node and context open, less the same before createNode (the memory store's op bytes and the fixture are excluded); gc is ${(globalThis as { gc?: unknown }).gc ? 'node --expose-gc' : "exposed at run time (v8.setFlagsFromString('--expose-gc') + vm)"}. Node's heap, not Chromium's.`,
    `Stored bytes: the memory store's op bytes (what IndexedDB would hold as op values, without its keys and overhead) and its snapshot (the node takes one every 200 deltas it applies live; loading stored ops takes none, so 0 B here means no snapshot was written).`,
    `Whole section: ${((performance.now() - sectionStart) / 1000).toFixed(1)} s.`,
  );
  return { coldOpen, writes, heap, stored, notes };
}
