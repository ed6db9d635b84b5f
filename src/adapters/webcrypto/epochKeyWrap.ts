import type { PrivateVault } from './vault.ts';

/**
 * Epoch keys at rest (docs/decisions/epoch-keys.md): each wrapped by the profile's vault
 * (AES-GCM under its non-extractable key) in the slot `epoch-key:<keyOp>` of its context, so
 * the vault's additional data binds the key to both: a record copied to another context or
 * key op does not open. A disk image without the live profile yields no key.
 */

const KEY_BYTES = 32;
const OP_ID = /^[0-9a-f]{64}$/;

export class EpochKeyWrapError extends Error {
  override readonly name = 'EpochKeyWrapError';
}

function slot(keyOp: string): string {
  if (!OP_ID.test(keyOp)) throw new EpochKeyWrapError(`an epoch key is named by its op's id (64 lowercase hex digits), got "${keyOp.slice(0, 80)}"`);
  return `epoch-key:${keyOp}`;
}

/** Wrap the 32-byte epoch key that op `keyOp` made in `context`, for `EpochKeyRecord.wrapped`. */
export async function wrapEpochKey(vault: PrivateVault, context: string, keyOp: string, raw32: Uint8Array): Promise<Uint8Array> {
  if (raw32.length !== KEY_BYTES) throw new EpochKeyWrapError(`an epoch key is ${KEY_BYTES} bytes, got ${raw32.length}`);
  return vault.seal(context, slot(keyOp), raw32);
}

/** Open a wrapped epoch key; throws `EpochKeyWrapError` if it was altered, moved, or wrapped by another profile. */
export async function unwrapEpochKey(vault: PrivateVault, context: string, keyOp: string, wrapped: Uint8Array): Promise<Uint8Array> {
  const name = slot(keyOp);
  let raw: Uint8Array;
  try {
    raw = await vault.open(context, name, wrapped);
  } catch {
    throw new EpochKeyWrapError(
      `the stored epoch key of op ${keyOp.slice(0, 12)}… in context ${context.slice(0, 12)}… does not open: damaged, moved from another context or op, or from another browser profile`,
    );
  }
  if (raw.length !== KEY_BYTES) throw new EpochKeyWrapError(`the stored epoch key of op ${keyOp.slice(0, 12)}… is ${raw.length} bytes, not ${KEY_BYTES}`);
  return raw;
}
