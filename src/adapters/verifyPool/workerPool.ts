import { inlineBatchVerifier, type BatchVerifier, type SignatureCheck } from '../../core/crypto/index.ts';
import { packChecks, type VerifyReply, type VerifyRequest } from './packing.ts';

/** Bounds of the pool (docs/decisions/catch-up-and-signatures.md). */
export const VERIFY_POOL_LIMITS = {
  /** Workers at most, whatever `navigator.hardwareConcurrency` says. */
  maxWorkers: 4,
  /** Checks per message to a worker. */
  chunkChecks: 256,
  /**
   * Fewer checks than this run on the calling thread: a worker's round trip (about a
   * millisecond) costs more than they do, and one op gossiped or written here is the common case.
   */
  inlineBelow: 8,
  /** Checks posted to workers and not answered yet; past it, checks run on the calling thread. */
  maxQueuedChecks: 16_384,
  /** A chunk not answered by then counts as a crash of its worker. */
  chunkTimeoutMs: 15_000,
  /** Workers started again after crashes, in all; past it the pool verifies inline. */
  maxRespawns: 8,
} as const;

export interface VerifyPoolOptions {
  /** Workers (default: hardware concurrency less one for the page, at least 1, at most maxWorkers). */
  size?: number;
  /** Start a worker running verifyWorker.ts (default: the bundled one). */
  createWorker?: () => Worker;
  limits?: Partial<{ [K in keyof typeof VERIFY_POOL_LIMITS]: number }>;
}

interface Chunk {
  checks: readonly SignatureCheck[];
  resolve(valid: boolean[]): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Slot {
  worker: Worker;
  chunks: Map<number, Chunk>;
  queued: number;
}

export type VerifyPool = BatchVerifier & { readonly size: () => number; close(): void };

const defaultWorker = () => new Worker(new URL('./verifyWorker.ts', import.meta.url), { type: 'module' });

/** Workers a page should use: its cores less one for itself, within 1 and the bound. */
export function poolSize(hardwareConcurrency: number | undefined, max: number = VERIFY_POOL_LIMITS.maxWorkers): number {
  const cores = Number.isFinite(hardwareConcurrency) ? Math.floor(hardwareConcurrency!) : 2;
  return Math.max(1, Math.min(max, cores - 1));
}

/**
 * Ed25519 checks spread over Web Workers. Hostile input cannot stop honest checks: a chunk
 * whose worker crashes, hangs or answers nonsense is verified on the calling thread instead
 * (and the worker replaced, a bounded number of times); past the queue bound checks run
 * inline too, so nothing waits unboundedly and no input is ever dropped.
 */
export function createWorkerVerifyPool(options: VerifyPoolOptions = {}): VerifyPool {
  const limits = { ...VERIFY_POOL_LIMITS, ...options.limits };
  const spawn = options.createWorker ?? defaultWorker;
  const size = options.size ?? poolSize(globalThis.navigator?.hardwareConcurrency, limits.maxWorkers);
  const slots: Slot[] = [];
  let respawns = 0;
  let nextId = 1;
  let closed = false;

  function start(): Slot | undefined {
    let worker: Worker;
    try {
      worker = spawn();
    } catch {
      return undefined;
    }
    const slot: Slot = { worker, chunks: new Map(), queued: 0 };
    worker.onmessage = (e: MessageEvent<VerifyReply>) => answer(slot, e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      crash(slot);
    };
    worker.onmessageerror = () => crash(slot);
    return slot;
  }

  for (let i = 0; i < Math.max(1, Math.min(size, limits.maxWorkers)); i++) {
    const slot = start();
    if (slot) slots.push(slot);
  }

  function settle(slot: Slot, id: number): Chunk | undefined {
    const chunk = slot.chunks.get(id);
    if (!chunk) return undefined;
    slot.chunks.delete(id);
    slot.queued -= chunk.checks.length;
    clearTimeout(chunk.timer);
    return chunk;
  }

  function answer(slot: Slot, reply: VerifyReply): void {
    const chunk = settle(slot, reply?.id);
    if (!chunk) return;
    if (!(reply.valid instanceof Uint8Array) || reply.valid.length !== chunk.checks.length) {
      // A worker answering nonsense is as good as crashed: this chunk and the rest go inline.
      void inlineBatchVerifier.verify(chunk.checks).then(chunk.resolve);
      return crash(slot);
    }
    chunk.resolve(Array.from(reply.valid, (v) => v === 1));
  }

  /** A worker failed: its chunks are verified here, and it is replaced while respawns last. */
  function crash(slot: Slot): void {
    const at = slots.indexOf(slot);
    if (at < 0) return;
    slots.splice(at, 1);
    slot.worker.terminate();
    for (const id of [...slot.chunks.keys()]) {
      const chunk = settle(slot, id)!;
      void inlineBatchVerifier.verify(chunk.checks).then(chunk.resolve);
    }
    if (!closed && respawns < limits.maxRespawns) {
      respawns++;
      const next = start();
      if (next) slots.push(next);
    }
  }

  function post(checks: readonly SignatureCheck[]): Promise<boolean[]> {
    const queued = slots.reduce((n, s) => n + s.queued, 0);
    const slot = slots.reduce<Slot | undefined>((best, s) => (!best || s.queued < best.queued ? s : best), undefined);
    if (!slot || closed || queued + checks.length > limits.maxQueuedChecks) return inlineBatchVerifier.verify(checks);
    return new Promise((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => slot.chunks.has(id) && crash(slot), limits.chunkTimeoutMs);
      slot.chunks.set(id, { checks, resolve, timer });
      slot.queued += checks.length;
      const packed = packChecks(checks);
      try {
        slot.worker.postMessage({ id, checks: packed } satisfies VerifyRequest, [packed.bytes.buffer, packed.ends.buffer]);
      } catch {
        crash(slot);
      }
    });
  }

  return {
    name: 'worker-pool',
    size: () => slots.length,
    async verify(checks) {
      if (checks.length < limits.inlineBelow) return inlineBatchVerifier.verify(checks);
      const parts: Promise<boolean[]>[] = [];
      for (let i = 0; i < checks.length; i += limits.chunkChecks) parts.push(post(checks.slice(i, i + limits.chunkChecks)));
      return (await Promise.all(parts)).flat();
    },
    close() {
      closed = true;
      for (const slot of [...slots]) crash(slot);
    },
  };
}
