import { DecodeError, EncodeError, bytes, envelope, fixedBytes, list, struct, type Codec } from '../codec/index.ts';
import { fromLowercaseHex, toHex } from '../crypto/index.ts';
import { compareIds } from '../ops/op.ts';

/**
 * A materialised state and exactly the deltas it was built from. It stands for
 * "the Yjs updates of these deltas, applied": usable as a starting point only while every
 * one of them is still valid.
 */
export interface Snapshot {
  /** Op keys (idKey: 64 lowercase hex digits) of the deltas included, sorted. */
  deltas: string[];
  /** The doc as one Yjs update (encodeStateAsUpdate). Waiting deltas are not in it nor in `deltas`. */
  update: Uint8Array;
}

export const SNAPSHOT_LIMITS = {
  deltas: 1 << 20,
  updateBytes: 64 * 1024 * 1024,
  encodedBytes: 2 + 4 + 32 * (1 << 20) + 5 + 64 * 1024 * 1024,
} as const;

const id32 = fixedBytes(32);

/** Delta ids strictly ascending: one encoding per set. */
const deltasField: Codec<string[]> = {
  encode(w, keys) {
    const ids = keys.map((key) => {
      const id = key.length === 64 ? fromLowercaseHex(key) : undefined;
      if (!id) throw new EncodeError(`snapshot delta key "${key.slice(0, 80)}" is not an op id in lowercase hex`);
      return id;
    });
    // Keys usually come sorted (a long history's snapshot has one per delta): sorted only if not.
    const canonical = ids.every((id, i) => i === 0 || compareIds(ids[i - 1]!, id) < 0);
    list(id32, SNAPSHOT_LIMITS.deltas).encode(w, canonical ? ids : ids.sort(compareIds).filter((id, i) => i === 0 || compareIds(ids[i - 1]!, id) !== 0));
  },
  decode(r) {
    const at = r.pos;
    const ids = list(id32, SNAPSHOT_LIMITS.deltas).decode(r);
    for (let i = 1; i < ids.length; i++) {
      if (compareIds(ids[i - 1]!, ids[i]!) >= 0) throw new DecodeError('non-canonical', 'snapshot deltas must be sorted and unique', at);
    }
    return ids.map(toHex);
  },
};

/** Snapshot bytes for storage. Tag 0x41, version 1. Decoding does not check the update's content. */
export const snapshotCodec = envelope<Snapshot>(
  0x41,
  1,
  SNAPSHOT_LIMITS.encodedBytes,
  struct({ deltas: deltasField, update: bytes(SNAPSHOT_LIMITS.updateBytes) }) as Codec<Snapshot>,
);
