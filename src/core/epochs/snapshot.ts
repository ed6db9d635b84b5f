import { concatBytes } from '../crypto/bytes.ts';

/**
 * A state snapshot at rest, under the epoch key of the heads it was taken at
 * (docs/decisions/epoch-keys.md, "At rest"): key op id (32) ‖ nonce (24) ‖ XChaCha20-Poly1305
 * of the snapshot, bound to "tabnode/snapshot/v1" ‖ context id ‖ key op id. Whoever lacks that
 * epoch key (a removed member's device, a relay, a disk image without the profile's vault key,
 * which wraps the stored epoch keys) cannot read it.
 */
const LABEL = new TextEncoder().encode('tabnode/snapshot/v1');
const KEY_OP_BYTES = 32;
const NONCE_BYTES = 24;

export interface SnapshotKey {
  keyOp: Uint8Array;
  key: Uint8Array;
}

const aad = (contextId: Uint8Array, keyOp: Uint8Array) => concatBytes(LABEL, contextId, keyOp);

/** Encrypt a snapshot under `under` with a fresh 24-byte `nonce` (the caller draws it: core has no random source). */
export async function sealSnapshotUnder(under: SnapshotKey, contextId: Uint8Array, nonce: Uint8Array, snapshot: Uint8Array): Promise<Uint8Array> {
  const { sealBody } = await import('../crypto/aead.ts');
  if (under.keyOp.length !== KEY_OP_BYTES) throw new RangeError(`a key op id is ${KEY_OP_BYTES} bytes, got ${under.keyOp.length}`);
  return concatBytes(under.keyOp, nonce, sealBody(under.key, nonce, snapshot, aad(contextId, under.keyOp)));
}

/** The key op a sealed snapshot names (which epoch key opens it), or undefined if too short to be one. */
export function snapshotKeyOp(sealed: Uint8Array): Uint8Array | undefined {
  return sealed.length > KEY_OP_BYTES + NONCE_BYTES ? sealed.subarray(0, KEY_OP_BYTES) : undefined;
}

/** Decrypt what `sealSnapshotUnder` made with the key of the op it names; throws AeadError if it does not open. */
export async function openSnapshotUnder(key: Uint8Array, contextId: Uint8Array, sealed: Uint8Array): Promise<Uint8Array> {
  const { openBody } = await import('../crypto/aead.ts');
  const keyOp = sealed.subarray(0, KEY_OP_BYTES);
  const nonce = sealed.subarray(KEY_OP_BYTES, KEY_OP_BYTES + NONCE_BYTES);
  return openBody(key, nonce, sealed.subarray(KEY_OP_BYTES + NONCE_BYTES), aad(contextId, keyOp));
}
