import { createReader, encodeWith, expectEnd, fixedBytes, list, struct, type Codec } from '../codec/index.ts';
import { concatBytes } from '../crypto/bytes.ts';
import { taggedHasher } from '../crypto/sha256.ts';
import { deltaBodyField, OP_LIMITS, type DeltaBody } from '../ops/op.ts';

/**
 * What epoch keys encrypt, and what each ciphertext is bound to (docs/decisions/epoch-keys.md):
 * - a delta body: additional data "tabnode/delta/v1" ‖ context id ‖ key op id;
 * - a rotation's `previous` keys: "tabnode/epoch-previous/v1" ‖ context id;
 * - an epoch key in an HPKE box: info "tabnode/epoch-box/v1" ‖ context id, or for the
 *   genesis's own box "tabnode/epoch-box/v1/genesis" ‖ its nonce (the context id is the
 *   genesis's hash, so it cannot be inside it; likewise a rotation's boxes cannot name the
 *   rotation's own id);
 * - the key op's commitment to its key: SHA-256("tabnode/epoch-key/v1" ‖ NUL ‖ key).
 * Labels are fixed, the ids after them fixed-length: the concatenations are unambiguous.
 */
const text = new TextEncoder();
const DELTA_LABEL = text.encode('tabnode/delta/v1');
const PREVIOUS_LABEL = text.encode('tabnode/epoch-previous/v1');
const BOX_LABEL = text.encode('tabnode/epoch-box/v1');
const GENESIS_BOX_LABEL = text.encode('tabnode/epoch-box/v1/genesis');

export const EPOCH_KEY_BYTES = 32;

const commitHash = taggedHasher('tabnode/epoch-key/v1');

/**
 * What a key op (an encrypted genesis, a `rotate-epoch`) says its key hashes to. Boxes and
 * `previous` chains can be sealed by anyone with a box key or an epoch key, so a key for an op
 * is held only when it matches this. The key is 32 random bytes: the hash reveals nothing,
 * and it does not name the op, so the op's id can cover it.
 */
export function epochKeyCommit(key: Uint8Array): Uint8Array {
  return commitHash(key);
}

type BodyCipher = typeof import('../crypto/aead.ts');
let cipher: BodyCipher | undefined;
let loading: Promise<BodyCipher> | undefined;

/**
 * Load the body cipher (XChaCha20-Poly1305). Loaded on first need, not with the app: a node
 * needs it only once it holds an epoch key, and keys arrive asynchronously anyway (opened
 * from boxes or the store), so whoever hands keys to a ring awaits this first. Sealing and
 * opening stay synchronous after it (the replica's receive path).
 */
export function loadBodyCipher(): Promise<void> {
  loading ??= import('../crypto/aead.ts').then((m) => (cipher = m));
  loading.catch(() => (loading = undefined));
  return loading.then(() => undefined);
}

/** The body cipher is not loaded: `await loadBodyCipher()` before epoch keys are used. */
export class BodyCipherNotLoadedError extends Error {
  override readonly name = 'BodyCipherNotLoadedError';
  constructor() {
    super('the body cipher is not loaded: await loadBodyCipher() before handing epoch keys to a ring');
  }
}

export function bodyCipherLoaded(): boolean {
  return cipher !== undefined;
}

function loaded(): BodyCipher {
  if (!cipher) throw new BodyCipherNotLoadedError();
  return cipher;
}

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
  return loaded().sealBody(key, nonce, encodeWith(deltaBodyField, body), deltaAad(contextId, keyOp));
}

/**
 * Decrypt and decode a sealed delta's body. Throws AeadError (wrong key, altered) or
 * DecodeError (the plaintext is not a delta body): either way the delta is unreadable.
 */
export function openDeltaBody(key: Uint8Array, contextId: Uint8Array, sealed: { keyOp: Uint8Array; nonce: Uint8Array; sealed: Uint8Array }): DeltaBody {
  return decodeWhole(deltaBodyField, loaded().openBody(key, sealed.nonce, sealed.sealed, deltaAad(contextId, sealed.keyOp)));
}

/** One key carried forward by a rotation. */
export interface CarriedKey {
  keyOp: Uint8Array;
  key: Uint8Array;
}

const carriedKeys = list(struct({ keyOp: fixedBytes(32), key: fixedBytes(EPOCH_KEY_BYTES) }), OP_LIMITS.previousKeys);

/** A rotation's `previous`: the keys it replaces, encrypted under the new key. */
export function sealPrevious(newKey: Uint8Array, nonce: Uint8Array, contextId: Uint8Array, keys: CarriedKey[]): { nonce: Uint8Array; sealed: Uint8Array } {
  return { nonce, sealed: loaded().sealBody(newKey, nonce, encodeWith(carriedKeys, keys), concatBytes(PREVIOUS_LABEL, contextId)) };
}

/** Throws AeadError or DecodeError when `previous` does not open under `newKey`. */
export function openPrevious(newKey: Uint8Array, contextId: Uint8Array, previous: { nonce: Uint8Array; sealed: Uint8Array }): CarriedKey[] {
  return decodeWhole(carriedKeys, loaded().openBody(newKey, previous.nonce, previous.sealed, concatBytes(PREVIOUS_LABEL, contextId)));
}

function decodeWhole<T>(codec: Codec<T>, bytes: Uint8Array): T {
  const r = createReader(bytes);
  const value = codec.decode(r);
  expectEnd(r);
  return value;
}
