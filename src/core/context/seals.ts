import { bytesEqual } from '../crypto/index.ts';
import { idKey, type Op } from '../ops/op.ts';

/**
 * Seals of verified history (docs/decisions/stored-verdicts.md): a seal lists ops this node
 * verified (checkIntrinsic passed) as entries `id ‖ signature`, under a MAC only this browser
 * profile can make. The id is the hash of the op's content, so an entry vouches for exactly
 * one content and one signature: an op changed in storage matches no entry.
 */

export const SEAL_ENTRY_BYTES = 32 + 64;

/** Makes and checks MACs with the profile's non-extractable key (an adapter: WebCrypto HMAC). */
export interface Sealer {
  mac(context: string, entries: Uint8Array): Promise<Uint8Array>;
  check(context: string, entries: Uint8Array, mac: Uint8Array): Promise<boolean>;
}

/** The entries of some ops, in their order. */
export function sealEntries(ops: readonly Op[]): Uint8Array {
  const out = new Uint8Array(ops.length * SEAL_ENTRY_BYTES);
  ops.forEach((op, i) => {
    out.set(op.id, i * SEAL_ENTRY_BYTES);
    out.set(op.signature, i * SEAL_ENTRY_BYTES + 32);
  });
  return out;
}

export function entryCount(entries: Uint8Array): number {
  return Math.floor(entries.length / SEAL_ENTRY_BYTES);
}

/** What seals vouch for: op key -> signature (views into the seals' entries). */
export function sealedIndex(entryLists: readonly Uint8Array[]): Map<string, Uint8Array> {
  const index = new Map<string, Uint8Array>();
  for (const entries of entryLists) {
    for (let i = 0; i + SEAL_ENTRY_BYTES <= entries.length; i += SEAL_ENTRY_BYTES) {
      index.set(idKey(entries.subarray(i, i + 32)), entries.subarray(i + 32, i + SEAL_ENTRY_BYTES));
    }
  }
  return index;
}

/** Whether a seal vouches for this op (`key`: its idKey, when known): its id and its very signature. */
export function isSealed(index: ReadonlyMap<string, Uint8Array>, op: Op, key = idKey(op.id)): boolean {
  const signature = index.get(key);
  return signature !== undefined && bytesEqual(signature, op.signature);
}

/** Whether `entries` hold, at `at`, exactly this id and this signature. */
function entryIs(entries: Uint8Array, at: number, op: Op): boolean {
  for (let i = 0; i < 32; i++) if (entries[at + i] !== op.id[i]) return false;
  for (let i = 0; i < 64; i++) if (entries[at + 32 + i] !== op.signature[i]) return false;
  return true;
}

/**
 * `isSealed` over these seals' entries, for ops asked about mostly in the order the seals list
 * them (a store's ops are read in the order they were stored, and sealed in that order): each
 * op is first compared with the entry after the last one matched, and only an op out of that
 * order builds the index by key (sealedIndex) and looks there. Same answers as isSealed: an
 * op is vouched for when an entry holds its id and its very signature. Asked again about an
 * op it said yes to (the same signature bytes), it answers from memory.
 */
export function sealedLookup(entryLists: readonly Uint8Array[]): (op: Op, key?: string) => boolean {
  let list = 0;
  let at = 0;
  let index: Map<string, Uint8Array> | undefined;
  const vouched = new Map<string, Uint8Array>();
  return (op, key = idKey(op.id)) => {
    if (vouched.get(key) === op.signature) return true;
    while (list < entryLists.length && at + SEAL_ENTRY_BYTES > entryLists[list]!.length) {
      list++;
      at = 0;
    }
    let sealed: boolean;
    if (list < entryLists.length && entryIs(entryLists[list]!, at, op)) {
      at += SEAL_ENTRY_BYTES;
      sealed = true;
    } else sealed = isSealed((index ??= sealedIndex(entryLists)), op, key);
    if (sealed) vouched.set(key, op.signature);
    return sealed;
  };
}

/**
 * How many of the newest seals to merge after one was added (0: none), given each seal's
 * entry count, oldest first. Seals merge while the one before the last is at most twice the
 * last (a binary counter): a context keeps O(log n) seals, and each entry is rewritten
 * O(log n) times over its life.
 */
export function sealsToMerge(counts: readonly number[]): number {
  let n = counts.length;
  let last = counts[n - 1] ?? 0;
  let merged = 1;
  while (n >= 2 && counts[n - 2]! <= 2 * last) {
    last += counts[n - 2]!;
    n--;
    merged++;
  }
  return merged > 1 ? merged : 0;
}
