import { fromHex, toHex } from '../../../core/crypto/index.ts';
import type { Replica } from '../../../core/context/replica.ts';
import type { ContextState } from '../../../core/state/index.ts';
import type { ContextSync } from '../../../core/sync/contextSync.ts';
import type { Store } from '../../../core/store/index.ts';
import { sealerFor } from '../../../adapters/webcrypto/sealer.ts';
import { yieldToHost } from '../../yieldToHost.ts';
import type { ContextView } from '../view.ts';
import { CONTEXT_TIMINGS, type ContextDeps } from './deps.ts';
import type { EpochKeys } from './epochKeys.ts';
import { createPersistence } from './persistence.ts';

/**
 * Opening a long history: ops taken in per slice, a yield to the page after each; a snapshot
 * covering this many deltas is shown (`onOpening`) while the ops load.
 */
export const OPEN_LIMITS = { sliceOps: 256, previewFromDeltas: 2000 } as const;

/** The context's durable side, wired to this node: its store, vault and epoch keys. */
export function historyIn(d: ContextDeps, p: { store: Store; state: ContextState; replica: Replica; storedKey(keyOp: string): Promise<Uint8Array | undefined> }) {
  const { replica } = p;
  return createPersistence({
    contextId: d.record.id,
    store: p.store,
    state: p.state,
    snapshotEveryDeltas: CONTEXT_TIMINGS.snapshotEveryDeltas,
    snapshotGap: { ms: CONTEXT_TIMINGS.snapshotGapMs, now: d.now },
    sealer: sealerFor(p.store),
    vault: d.vault,
    epochKeys: {
      current() {
        const ref = replica.epochKeyAt(replica.parents());
        const key = ref && replica.ring.get(ref.op);
        return key ? { keyOp: fromHex(ref.op), key } : undefined;
      },
      get: (keyOp) => p.storedKey(toHex(keyOp)),
      randomBytes: d.randomBytes,
    },
  });
}

/**
 * Take in what is stored, in start-up order: the snapshot, the epoch keys, then the stored
 * ops (those sealed as verified are not verified again), sealing and snapshotting what the
 * next open would otherwise redo.
 */
export async function loadHistory(
  d: ContextDeps,
  p: { persistence: ReturnType<typeof historyIn>; epochs: EpochKeys; sync: ContextSync; state: ContextState; replica: Replica; view(): ContextView },
) {
  const snapshotCovers = await p.persistence.loadSnapshot();
  await p.epochs.load();
  // A long history: its sealed snapshot is shown while the ops load (docs/decisions/opening-long-histories.md).
  let expected: number | undefined;
  if ((snapshotCovers ?? 0) >= OPEN_LIMITS.previewFromDeltas) {
    d.onOpening?.(() => ({ ...p.view(), opening: { have: p.replica.historySize(), ...(expected === undefined ? {} : { expected }) } }));
  }
  const stored = await p.persistence.storedHistory();
  expected = stored.ops.length;
  // No change is reported per slice: every listener would run again (the directory's refresh
  // loops while changes come); views poll the opening's progress.
  const loaded = await p.sync.load(stored.ops, stored.trusted, { sliceOps: OPEN_LIMITS.sliceOps, between: yieldToHost });
  p.state.releaseLoadedKeys();
  await p.persistence.afterLoad(loaded, stored, snapshotCovers);
  // Boxes in the stored history whose keys were not kept (a crash between op and key).
  await p.epochs.observe(loaded).catch(() => undefined);
}
