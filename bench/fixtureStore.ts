// Puts a growth fixture into a Store as a node would have left it: the owner's identity
// (root, device key, delegation), the context record and its ops. Browser-safe.
import { toBase58 } from '../src/core/codec/text.ts';
import { toHex } from '../src/core/crypto/index.ts';
import { localRootId } from '../src/core/identity/index.ts';
import { decodeOp } from '../src/core/ops/op.ts';
import type { Store } from '../src/core/store/index.ts';
import { memberDevice, memberSeeds } from './fixtureMembers.ts';

/** Ops per putOps call while filling. */
const FILL_BATCH = 5000;

/** Fill `store` with the owner of a fixture and its ops (genesis first); returns the context id (hex). */
export async function putFixture(store: Store, ops: readonly Uint8Array[]): Promise<string> {
  const owner = await memberDevice(0);
  const seeds = memberSeeds(0);
  const rootId = localRootId(owner.rootPublicKey);
  await store.ensureDeviceKey({ publicKey: owner.signer.publicKey, handle: { kind: 'seed', seed: seeds.device }, createdAt: Date.now() });
  await store.setRoot({ id: rootId, kind: 'local', handle: { kind: 'seed', seed: seeds.root }, createdAt: Date.now() });
  await store.putDelegation({ clientKey: toBase58(owner.signer.publicKey), root: rootId, expiresAt: owner.expiresAt, bytes: owner.delegation });
  const id = toHex(decodeOp(ops[0]!).id);
  await store.putContext({ id, name: 'growth bench', secret: new Uint8Array(32).fill(9), signaling: [], createdAt: Date.now() });
  const keyed = ops.map((bytes) => ({ key: toHex(decodeOp(bytes).id), bytes }));
  for (let i = 0; i < keyed.length; i += FILL_BATCH) await store.putOps(id, keyed.slice(i, i + FILL_BATCH));
  return id;
}
