import { isDeltaKind } from '../../../core/governance/rules.ts';
import type { ReceiveResult } from '../../../core/context/replica.ts';
import { sealedLookup, type Sealer } from '../../../core/context/seals.ts';
import type { CheckedOp } from '../../../core/governance/checkedOp.ts';
import type { Op } from '../../../core/ops/op.ts';
import { snapshotCodec, type ContextState } from '../../../core/state/index.ts';
import type { Store } from '../../../core/store/index.ts';
import { createSealBook } from './sealBook.ts';
import { openSealedSnapshot, sealSnapshot } from './sealedSnapshot.ts';
import type { PrivateVault } from '../../../adapters/webcrypto/vault.ts';
import { concatBytes, fromHex } from '../../../core/crypto/index.ts';
import { openSnapshotUnder, sealSnapshotUnder, snapshotKeyOp, type SnapshotKey } from '../../../core/epochs/snapshot.ts';

/** The vault slot of a context's state snapshot (app private storage uses the app's own keys). */
const SNAPSHOT_SLOT = 'tabnode:state-snapshot';

/** How a stored snapshot is kept, its first byte: under the epoch key of its heads, the vault, or clear. */
const KEPT = { clear: 0, vault: 1, epoch: 2 } as const;

/** The epoch keys a snapshot is kept under (epochKeys.ts): the one the heads are under, and any by its key op. */
const tagged = (form: number, bytes: Uint8Array) => concatBytes(Uint8Array.of(form), bytes);

export interface SnapshotKeys {
  current(): SnapshotKey | undefined;
  /** Asynchronous: a snapshot loads before the stored history, so before keys join the ring. */
  get(keyOp: Uint8Array): Promise<Uint8Array | undefined>;
  randomBytes(length: number): Uint8Array;
}

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
  /**
   * While ops keep coming (a catch-up), a snapshot at most every `ms`: each costs O(history)
   * (the state and every delta it covers), so one per batch made a long catch-up quadratic.
   * What a skipped snapshot leaves is caught by the next batch, or by the next open.
   */
  snapshotGap?: { ms: number; now(): number };
  sealer: Promise<Sealer>;
  /**
   * An encrypted context's snapshot is kept under the epoch key its heads are under
   * (`current()`), so only a holder of that key reads it; a node holding none (a relay, whose
   * state is empty) or a clear context keeps it under the vault; with neither, in clear
   * (MAC'd only).
   */
  epochKeys?: SnapshotKeys;
  vault?: Pick<PrivateVault, 'seal' | 'open'>;
}) {
  const { contextId, store, state } = p;
  const seals = createSealBook({ context: contextId, store, sealer: p.sealer });
  let deltasSinceSnapshot = 0;
  let lastSnapshotAt = -Infinity;
  const snapshotDue = () => deltasSinceSnapshot >= p.snapshotEveryDeltas && (!p.snapshotGap || p.snapshotGap.now() - lastSnapshotAt >= p.snapshotGap.ms);

  async function saveSnapshot(): Promise<void> {
    deltasSinceSnapshot = 0;
    lastSnapshotAt = p.snapshotGap?.now() ?? 0;
    const plain = snapshotCodec.encode(state.takeSnapshot());
    await store.putSnapshot(contextId, await sealSnapshot(await p.sealer, contextId, await keep(plain)));
  }

  async function keep(plain: Uint8Array): Promise<Uint8Array> {
    const under = p.epochKeys?.current();
    if (under) return tagged(KEPT.epoch, await sealSnapshotUnder(under, fromHex(contextId), p.epochKeys!.randomBytes(24), plain));
    if (p.vault) return tagged(KEPT.vault, await p.vault.seal(contextId, SNAPSHOT_SLOT, plain));
    return tagged(KEPT.clear, plain);
  }

  /** The snapshot bytes in what `keep` made; throws if they do not open here. */
  async function unkeep(kept: Uint8Array): Promise<Uint8Array> {
    const body = kept.subarray(1);
    switch (kept[0]) {
      case KEPT.epoch: {
        const keyOp = snapshotKeyOp(body);
        const key = keyOp && (await p.epochKeys?.get(keyOp));
        if (!key) throw new Error('the epoch key the snapshot is under is not held here');
        return openSnapshotUnder(key, fromHex(contextId), body);
      }
      case KEPT.vault:
        if (!p.vault) throw new Error('the snapshot is under the vault, and there is none');
        return p.vault.open(contextId, SNAPSHOT_SLOT, body);
      case KEPT.clear:
        return body;
      default:
        throw new Error(`unknown snapshot form ${kept[0]}`);
    }
  }

  return {
    /** Store verified ops with their seal, in one transaction (the sync layer relays them only once this resolves). */
    async persist(ops: CheckedOp[]): Promise<void> {
      await seals.add(
        ops.map((c) => c.op),
        ops.map((c) => ({ key: c.key, bytes: c.bytes })),
      );
      deltasSinceSnapshot += ops.filter((c) => isDeltaKind(c.op.body.kind)).length;
      if (snapshotDue()) await saveSnapshot();
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
        const bytes = await unkeep(kept);
        const snapshot = snapshotCodec.decode(bytes);
        // Its MAC is this profile's: taken by this node's own state.
        state.loadSnapshot(snapshot, { madeHere: true });
        return snapshot.deltas.length;
      } catch {
        // A damaged snapshot, or one under a key not held (any more), only costs a longer rebuild.
        return undefined;
      }
    },

    /** The stored ops and which of them seals vouch for (seals whose MAC fails vouch for none). */
    async storedHistory(): Promise<StoredHistory> {
      const [ops, valid] = await Promise.all([store.ops(contextId), seals.load()]);
      return { ops, trusted: sealedLookup(valid) };
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
