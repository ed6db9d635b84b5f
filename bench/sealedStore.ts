// What a node leaves in its store after verifying a context's ops once: a seal vouching for
// them and a sealed snapshot of the state (persistence.afterLoad), made here directly so the
// 100k-op row need not first verify 100k signatures.
import { sealerFor } from '../src/adapters/webcrypto/sealer.ts';
import { decodeOp, idKey } from '../src/core/ops/op.ts';
import { createContextState, snapshotCodec } from '../src/core/state/index.ts';
import type { Store } from '../src/core/store/index.ts';
import { createSealBook } from '../src/node/contexts/context/sealBook.ts';
import { sealSnapshot } from '../src/node/contexts/context/sealedSnapshot.ts';

export async function sealAsVerified(store: Store, context: string, encoded: Uint8Array[]): Promise<void> {
  const ops = encoded.map((bytes) => decodeOp(bytes));
  const sealer = sealerFor(store);
  await createSealBook({ context, store, sealer }).add(ops);
  const state = createContextState();
  for (const op of ops) if (op.body.kind === 'delta') state.apply(idKey(op.id), op.body.update);
  await store.putSnapshot(context, await sealSnapshot(await sealer, context, snapshotCodec.encode(state.takeSnapshot())));
}
