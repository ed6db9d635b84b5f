import { createReader, encodeWith, expectEnd, fixedBytes, list, struct, type Codec } from '../codec/index.ts';
import { concatBytes, openBody, sealBody } from '../crypto/index.ts';
import { deltaBodyField, OP_LIMITS, type DeltaBody } from '../ops/op.ts';

/**
 * What epoch keys encrypt, and what each ciphertext is bound to (docs/decisions/epoch-keys.md):
 * - a delta body: additional data "tabnode/delta/v1" ‖ context id ‖ key op id;
 * - a rotation's `previous` keys: "tabnode/epoch-previous/v1" ‖ context id;
 * - an epoch key in an HPKE box: info "tabnode/epoch-box/v1" ‖ context id, or for the
 *   genesis's own box "tabnode/epoch-box/v1/genesis" ‖ its nonce (the context id is the
 *   genesis's hash, so it cannot be inside it; likewise a rotation's boxes cannot name the
 *   rotation's own id).
 * Labels are fixed, the ids after them fixed-length: the concatenations are unambiguous.
 */
const text = new TextEncoder();
const DELTA_LABEL = text.encode('tabnode/delta/v1');
const PREVIOUS_LABEL = text.encode('tabnode/epoch-previous/v1');
const BOX_LABEL = text.encode('tabnode/epoch-box/v1');
const GENESIS_BOX_LABEL = text.encode('tabnode/epoch-box/v1/genesis');

export const EPOCH_KEY_BYTES = 32;

export function deltaAad(contextId: Uint8Array, keyOp: Uint8Array): Uint8Array {
  return concatBytes(DELTA_LABEL, contextId, keyOp);
}

/** HPKE `info` of boxes of a context's epoch keys (grants and rotations). */
export function boxInfo(contextId: Uint8Array): Uint8Array {
  return concatBytes(BOX_LABEL, contextId);
}

/** HPKE `info` of the genesis's box of epoch 0, bound to the genesis nonce. */
export function genesisBoxInfo(genesisNonce: Uint8Array): Uint8Array {
  return concatBytes(GENESIS_BOX_LABEL, genesisNonce);
}

/** Encrypt a delta body under an epoch key: what a `sealed-delta` carries as `sealed`. */
export function sealDeltaBody(key: Uint8Array, nonce: Uint8Array, contextId: Uint8Array, keyOp: Uint8Array, body: DeltaBody): Uint8Array {
  return sealBody(key, nonce, encodeWith(deltaBodyField, body), deltaAad(contextId, keyOp));
}

/**
 * Decrypt and decode a sealed delta's body. Throws AeadError (wrong key, altered) or
 * DecodeError (the plaintext is not a delta body): either way the delta is unreadable.
 */
export function openDeltaBody(key: Uint8Array, contextId: Uint8Array, sealed: { keyOp: Uint8Array; nonce: Uint8Array; sealed: Uint8Array }): DeltaBody {
  return decodeWhole(deltaBodyField, openBody(key, sealed.nonce, sealed.sealed, deltaAad(contextId, sealed.keyOp)));
}

/** One key carried forward by a rotation. */
export interface CarriedKey {
  keyOp: Uint8Array;
  key: Uint8Array;
}

const carriedKeys = list(struct({ keyOp: fixedBytes(32), key: fixedBytes(EPOCH_KEY_BYTES) }), OP_LIMITS.previousKeys);

/** A rotation's `previous`: the keys it replaces, encrypted under the new key. */
export function sealPrevious(newKey: Uint8Array, nonce: Uint8Array, contextId: Uint8Array, keys: CarriedKey[]): { nonce: Uint8Array; sealed: Uint8Array } {
  return { nonce, sealed: sealBody(newKey, nonce, encodeWith(carriedKeys, keys), concatBytes(PREVIOUS_LABEL, contextId)) };
}

/** Throws AeadError or DecodeError when `previous` does not open under `newKey`. */
export function openPrevious(newKey: Uint8Array, contextId: Uint8Array, previous: { nonce: Uint8Array; sealed: Uint8Array }): CarriedKey[] {
  return decodeWhole(carriedKeys, openBody(newKey, previous.nonce, previous.sealed, concatBytes(PREVIOUS_LABEL, contextId)));
}

function decodeWhole<T>(codec: Codec<T>, bytes: Uint8Array): T {
  const r = createReader(bytes);
  const value = codec.decode(r);
  expectEnd(r);
  return value;
}
