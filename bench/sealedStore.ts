// What a node leaves in its store after verifying a context's ops once: a seal vouching for
// them and a sealed snapshot of the state, written by the node's own persistence
// (persistence.afterLoad, as after an open that verified every op), made here directly so the
// 100k-op row need not first verify 100k signatures.
import { openVault } from '../src/adapters/webcrypto/vault.ts';
import { sealerFor } from '../src/adapters/webcrypto/sealer.ts';
import type { ReceiveResult } from '../src/core/context/replica.ts';
import { decodeOp, idKey } from '../src/core/ops/op.ts';
import { createContextState } from '../src/core/state/index.ts';
import type { Store } from '../src/core/store/index.ts';
import { CONTEXT_TIMINGS } from '../src/node/contexts/context/deps.ts';
import { createPersistence } from '../src/node/contexts/context/persistence.ts';

export async function sealAsVerified(store: Store, context: string, encoded: Uint8Array[]): Promise<void> {
  const ops = encoded.map((bytes) => decodeOp(bytes));
  const state = createContextState();
  for (const op of ops) if (op.body.kind === 'delta') state.apply(idKey(op.id), op.body.update);
  // The fixture is a plaintext context: a node keeps its snapshot under the vault.
  const persistence = createPersistence({ contextId: context, store, state, snapshotEveryDeltas: CONTEXT_TIMINGS.snapshotEveryDeltas, sealer: sealerFor(store), vault: await openVault(store) });
  const accepted = ops.map((op, i) => ({ op, key: idKey(op.id), author: '', bytes: encoded[i]! }));
  const verified: ReceiveResult = { added: accepted, accepted, rejected: [], flipped: [], rebuilt: false };
  await persistence.afterLoad(verified, { ops: encoded, trusted: () => false }, undefined);
}
