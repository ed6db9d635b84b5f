import { isDeltaKind } from '../../../core/governance/rules.ts';
import type { ReceiveResult } from '../../../core/context/replica.ts';
import { isSealed, sealedIndex, type Sealer } from '../../../core/context/seals.ts';
import type { CheckedOp } from '../../../core/governance/checkedOp.ts';
import type { Op } from '../../../core/ops/op.ts';
import { snapshotCodec, type ContextState } from '../../../core/state/index.ts';
import type { Store } from '../../../core/store/index.ts';
import { createSealBook } from './sealBook.ts';
import { openSealedSnapshot, sealSnapshot } from './sealedSnapshot.ts';
import type { PrivateVault } from '../../../adapters/webcrypto/vault.ts';

/** The vault slot of a context's state snapshot (app private storage uses the app's own keys). */
const SNAPSHOT_SLOT = 'tabnode:state-snapshot';

/** What a context reads from its store when it opens. */
export interface StoredHistory {
  ops: Uint8Array[];
  /** Ops this node sealed as verified (their signatures are not checked again); `key`: the op's idKey, when known. */
  trusted(op: Op, key?: string): boolean;
}

/**
 * A context's durable side: its ops, seals saying which of them this node verified, and a
 * state snapshot every so many deltas (docs/decisions/stored-verdicts.md).
 */
export function createPersistence(p: {
  contextId: string;
  store: Store;
  state: ContextState;
  snapshotEveryDeltas: number;
  sealer: Promise<Sealer>;
  /**
   * Encrypts the snapshot at rest (the state it holds is what epoch keys protect on the wire);
   * none: kept in clear, MAC'd only.
   */
  vault?: Pick<PrivateVault, 'seal' | 'open'>;
}) {
  const { contextId, store, state } = p;
  const seals = createSealBook({ context: contextId, store, sealer: p.sealer });
  let deltasSinceSnapshot = 0;

  async function saveSnapshot(): Promise<void> {
    deltasSinceSnapshot = 0;
    const plain = snapshotCodec.encode(state.takeSnapshot());
    const kept = p.vault ? await p.vault.seal(contextId, SNAPSHOT_SLOT, plain) : plain;
    await store.putSnapshot(contextId, await sealSnapshot(await p.sealer, contextId, kept));
  }

  return {
    /** Store verified ops and seal them (the sync layer relays them only once this resolves). */
    async persist(ops: CheckedOp[]): Promise<void> {
      await store.putOps(contextId, ops.map((c) => ({ key: c.key, bytes: c.bytes })));
      await seals.add(ops.map((c) => c.op));
      deltasSinceSnapshot += ops.filter((c) => isDeltaKind(c.op.body.kind)).length;
      if (deltasSinceSnapshot >= p.snapshotEveryDeltas) await saveSnapshot();
    },

    /**
     * Load the stored snapshot into the state if its MAC checks out (else the ops rebuild it).
     * Returns how many deltas it covers (undefined: none loaded).
     */
    async loadSnapshot(): Promise<number | undefined> {
      const stored = await store.snapshot(contextId);
      const kept = stored && (await openSealedSnapshot(await p.sealer, contextId, stored));
      if (!kept) return undefined;
      try {
        const bytes = p.vault ? await p.vault.open(contextId, SNAPSHOT_SLOT, kept) : kept;
        const snapshot = snapshotCodec.decode(bytes);
        state.loadSnapshot(snapshot);
        return snapshot.deltas.length;
      } catch {
        // A damaged snapshot only costs a longer rebuild.
        return undefined;
      }
    },

    /** The stored ops and which of them seals vouch for (seals whose MAC fails vouch for none). */
    async storedHistory(): Promise<StoredHistory> {
      const [ops, valid] = await Promise.all([store.ops(contextId), seals.load()]);
      const index = sealedIndex(valid);
      return { ops, trusted: (op, key) => isSealed(index, op, key) };
    },

    /**
     * After the stored ops were taken in: seal those verified in full now (stored before seals
     * existed, or whose seal failed), and snapshot the state if the stored one was missing or
     * stale, so the next open neither verifies nor replays them again.
     */
    async afterLoad(result: ReceiveResult, history: StoredHistory, snapshotCovers: number | undefined): Promise<void> {
      const verifiedNow = result.accepted.filter((c) => !history.trusted(c.op, c.key));
      if (verifiedNow.length) await seals.add(verifiedNow.map((c) => c.op));
      const deltas = result.accepted.filter((c) => isDeltaKind(c.op.body.kind)).length;
      deltasSinceSnapshot = Math.max(0, deltas - (snapshotCovers ?? 0));
      if (deltas && (snapshotCovers === undefined || verifiedNow.length || deltasSinceSnapshot >= p.snapshotEveryDeltas)) await saveSnapshot();
    },
  };
}
