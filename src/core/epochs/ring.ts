import { toHex } from '../crypto/index.ts';
import { BodyCipherNotLoadedError, bodyCipherLoaded, EPOCH_KEY_BYTES, openPrevious } from './seal.ts';

/** A key of the wrong size offered to the ring. */
export class EpochKeyError extends Error {
  override readonly name = 'EpochKeyError';
}

/**
 * The epoch keys this node holds for one context: key op id (hex) → raw 32-byte key.
 * Synchronous, so the replica's receive path can decrypt deltas without waiting: keys reach
 * it from boxes opened asynchronously elsewhere (`learn`) and from rotations' `previous`
 * chains (`notePrevious`): whoever holds a rotation's key learns every key it carries, and
 * so on down the chain.
 */
export interface EpochKeyRing {
  has(keyOp: string): boolean;
  get(keyOp: string): Uint8Array | undefined;
  /** Add a key; returns every key op newly held (this one and those its chain carries). */
  learn(keyOp: string, key: Uint8Array): string[];
  /** A rotation's `previous`: opened now if its key is held, else when it is learnt. */
  notePrevious(keyOp: string, previous: { nonce: Uint8Array; sealed: Uint8Array }): string[];
  /** Every key held, for persisting (wrapped) and for carrying forward in a rotation. */
  entries(): [string, Uint8Array][];
  /** Rotations whose `previous` did not open under their key (a broken chain), for diagnostics. */
  broken(): string[];
}

export function createEpochKeyRing(contextId: Uint8Array): EpochKeyRing {
  const keys = new Map<string, Uint8Array>();
  const previousOf = new Map<string, { nonce: Uint8Array; sealed: Uint8Array }>();
  const broken = new Set<string>();

  function follow(keyOp: string, out: string[]): void {
    const previous = previousOf.get(keyOp);
    if (!previous) return;
    previousOf.delete(keyOp);
    let carried;
    try {
      carried = openPrevious(keys.get(keyOp)!, contextId, previous);
    } catch {
      // Its author sealed garbage: the keys it replaced must come from boxes instead.
      broken.add(keyOp);
      return;
    }
    for (const c of carried) add(toHex(c.keyOp), c.key, out);
  }

  function add(keyOp: string, key: Uint8Array, out: string[]): void {
    if (key.length !== EPOCH_KEY_BYTES) throw new EpochKeyError(`an epoch key is ${EPOCH_KEY_BYTES} bytes, got ${key.length}`);
    // The first key learnt for an op stays, whichever it is: nothing here can tell the key a
    // rotation's author made from another claimed for the same op (no commitment to the key
    // travels with the key op), so a wrong key learnt first shuts the right one out.
    if (keys.has(keyOp)) return;
    keys.set(keyOp, key.slice());
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
    entries: () => [...keys],
    broken: () => [...broken],
  };
}
