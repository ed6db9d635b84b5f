import { bytesEqual, toHex } from '../crypto/index.ts';
import { BodyCipherNotLoadedError, bodyCipherLoaded, EPOCH_KEY_BYTES, epochKeyCommit, openPrevious } from './seal.ts';

/** A key of the wrong size offered to the ring. */
export class EpochKeyError extends Error {
  override readonly name = 'EpochKeyError';
}

/**
 * What a key op committed to (`epochKeyCommit` of its key), while the op is here and valid;
 * undefined otherwise (not here yet, refused, or not a key op).
 */
export type KeyCommitOf = (keyOp: string) => Uint8Array | undefined;

/** Bounds on keys a ring keeps before it can check them. */
export const RING_LIMITS = {
  /**
   * Keys waiting for their key op to be here and valid: the store's keys load before the
   * history, and a chain may carry a key of an op refused here for now. Past it, new ones
   * are dropped (boxes and chains in the history bring them again).
   */
  pendingKeys: 8192,
  /** Candidates kept per key op waiting (only one can match its commitment). */
  pendingPerOp: 4,
} as const;

/**
 * The epoch keys this node holds for one context: key op id (hex) → raw 32-byte key.
 * Synchronous, so the replica's receive path can decrypt deltas without waiting: keys reach
 * it from boxes opened asynchronously elsewhere (`learn`) and from rotations' `previous`
 * chains (`notePrevious`): whoever holds a rotation's key learns every key it carries, and
 * so on down the chain. Every key, whatever brought it, is held only if it matches its key
 * op's commitment (`commitOf`): a wrong key is dropped, never held, never carried on.
 */
export interface EpochKeyRing {
  has(keyOp: string): boolean;
  get(keyOp: string): Uint8Array | undefined;
  /**
   * Offer a key; returns every key op newly held (this one and those its chain carries). A key
   * for an op not here and valid yet waits (bounded) until `committed` names the op.
   */
  learn(keyOp: string, key: Uint8Array): string[];
  /** A valid rotation's `previous`: opened now if its key is held, else when it is learnt. */
  notePrevious(keyOp: string, previous: { nonce: Uint8Array; sealed: Uint8Array }): string[];
  /** `keyOp` is now here and valid: the keys waiting for it are checked. Returns key ops newly held. */
  committed(keyOp: string): string[];
  /** Key ops whose right keys `keyOp`'s opened `previous` chain carries, directly or further down. */
  reachable(keyOp: string): Set<string>;
  /** Every key held, for persisting (wrapped) and for carrying forward in a rotation. */
  entries(): [string, Uint8Array][];
  /** Rotations whose `previous` did not open under their key (a broken chain), for diagnostics. */
  broken(): string[];
  /** How many keys were dropped for not matching their op's commitment, for diagnostics. */
  refused(): number;
}

export function createEpochKeyRing(contextId: Uint8Array, commitOf: KeyCommitOf): EpochKeyRing {
  const keys = new Map<string, Uint8Array>();
  const previousOf = new Map<string, { nonce: Uint8Array; sealed: Uint8Array }>();
  const broken = new Set<string>();
  /** Keys whose op cannot be checked yet, with the rotation whose chain carried them. */
  const pending = new Map<string, { key: Uint8Array; via?: string }[]>();
  let pendingCount = 0;
  /** Rotation → key ops its chain carried with the right key. */
  const carried = new Map<string, Set<string>>();
  let refused = 0;

  function follow(keyOp: string, out: string[]): void {
    const previous = previousOf.get(keyOp);
    if (!previous) return;
    previousOf.delete(keyOp);
    let list;
    try {
      list = openPrevious(keys.get(keyOp)!, contextId, previous);
    } catch {
      // Its author sealed garbage: the keys it replaced must come from boxes instead.
      broken.add(keyOp);
      return;
    }
    for (const c of list) add(toHex(c.keyOp), c.key, out, keyOp);
  }

  function carriedBy(via: string | undefined, keyOp: string): void {
    if (via === undefined) return;
    const set = carried.get(via) ?? new Set<string>();
    carried.set(via, set.add(keyOp));
  }

  function wait(keyOp: string, key: Uint8Array, via: string | undefined): void {
    const list = pending.get(keyOp) ?? [];
    if (pendingCount >= RING_LIMITS.pendingKeys || list.length >= RING_LIMITS.pendingPerOp || list.some((p) => bytesEqual(p.key, key))) return;
    pending.set(keyOp, [...list, { key: key.slice(), via }]);
    pendingCount++;
  }

  function add(keyOp: string, key: Uint8Array, out: string[], via?: string): void {
    if (key.length !== EPOCH_KEY_BYTES) throw new EpochKeyError(`an epoch key is ${EPOCH_KEY_BYTES} bytes, got ${key.length}`);
    const held = keys.get(keyOp);
    // Only the committed key is ever held, so one held is right and any other offered is wrong.
    if (held) {
      if (bytesEqual(held, key)) carriedBy(via, keyOp);
      else refused++;
      return;
    }
    const commit = commitOf(keyOp);
    if (!commit) return wait(keyOp, key, via);
    if (!bytesEqual(epochKeyCommit(key), commit)) {
      refused++;
      return;
    }
    keys.set(keyOp, key.slice());
    carriedBy(via, keyOp);
    out.push(keyOp);
    follow(keyOp, out);
  }

  return {
    has: (keyOp) => keys.has(keyOp),
    get: (keyOp) => keys.get(keyOp),
    learn(keyOp, key) {
      // A key held must open what arrives under it, synchronously: the cipher is loaded first.
      if (!bodyCipherLoaded()) throw new BodyCipherNotLoadedError();
      if (!/^[0-9a-f]{64}$/.test(keyOp)) throw new EpochKeyError(`a key op id is 32 bytes (64 hex digits), got ${JSON.stringify(keyOp.slice(0, 80))}`);
      const out: string[] = [];
      add(keyOp, key, out);
      return out;
    },
    notePrevious(keyOp, previous) {
      if (previousOf.has(keyOp) || broken.has(keyOp)) return [];
      previousOf.set(keyOp, previous);
      const out: string[] = [];
      if (keys.has(keyOp)) follow(keyOp, out);
      return out;
    },
    committed(keyOp) {
      const waiting = pending.get(keyOp);
      if (!waiting) return [];
      pending.delete(keyOp);
      pendingCount -= waiting.length;
      const out: string[] = [];
      for (const w of waiting) add(keyOp, w.key, out, w.via);
      return out;
    },
    reachable(keyOp) {
      const seen = new Set<string>();
      const todo = [keyOp];
      for (let op = todo.pop(); op !== undefined; op = todo.pop()) {
        for (const next of carried.get(op) ?? []) {
          if (seen.has(next)) continue;
          seen.add(next);
          todo.push(next);
        }
      }
      return seen;
    },
    entries: () => [...keys],
    broken: () => [...broken],
    refused: () => refused,
  };
}
