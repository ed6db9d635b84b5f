import type { CheckedOp } from '../../../core/governance/checkedOp.ts';
import { snapshotCodec, type ContextState } from '../../../core/state/index.ts';
import type { Store } from '../../../core/store/index.ts';

/** A context's durable side: its ops, and a state snapshot every so many deltas. */
export function createPersistence(p: { contextId: string; store: Store; state: ContextState; snapshotEveryDeltas: number }) {
  const { contextId, store, state } = p;
  let deltasSinceSnapshot = 0;
  return {
    /** Store verified ops (the sync layer relays them only once this resolves). */
    async persist(ops: CheckedOp[]): Promise<void> {
      await store.putOps(contextId, ops.map((c) => ({ key: c.key, bytes: c.bytes })));
      deltasSinceSnapshot += ops.filter((c) => c.op.body.kind === 'delta').length;
      if (deltasSinceSnapshot >= p.snapshotEveryDeltas) {
        deltasSinceSnapshot = 0;
        await store.putSnapshot(contextId, snapshotCodec.encode(state.takeSnapshot()));
      }
    },
    /** Load the stored snapshot into the state, if there is a readable one. */
    async loadSnapshot(): Promise<void> {
      const snapshotBytes = await store.snapshot(contextId);
      if (!snapshotBytes) return;
      try {
        state.loadSnapshot(snapshotCodec.decode(snapshotBytes));
      } catch {
        // A damaged snapshot only costs a longer rebuild.
      }
    },
    storedOps: () => store.ops(contextId),
  };
}
