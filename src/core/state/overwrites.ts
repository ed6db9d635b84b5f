import { bytesEqual } from '../crypto/bytes.ts';
import { walkAncestry } from '../dag/ancestors.ts';
import { encodeValue } from './canonicalValue.ts';
import type { JsonValue } from './layout.ts';

/** Every bound of the overwrite watch. */
export const OVERWRITE_LIMITS = {
  /** Keys of my own writes remembered (the newest); older ones are no longer watched. */
  trackedKeys: 256,
  /** Ops walked to learn whether an incoming op saw mine; past that it is taken as seen (no notice). */
  ancestryWalk: 10_000,
} as const;

/** What a key holds after an op: a value, or `undefined` once removed. */
export type KeyChange = readonly [key: string, after: JsonValue | undefined];

/** A write of mine that another member's concurrent write replaced when Yjs merged them. */
export interface Overwrite {
  key: string;
  mine: JsonValue | undefined;
  winner: JsonValue | undefined;
  /** The op whose value won. */
  byOp: string;
}

const same = (a: JsonValue | undefined, b: JsonValue | undefined) =>
  a === undefined || b === undefined ? a === b : bytesEqual(encodeValue(a), encodeValue(b));

/**
 * Whether `ancestor` is in the causal past of `op` (or is it), walking parents; an op
 * whose parents are unknown here counts as not seeing. Bounded: a walk past the limit
 * answers true, so a huge history costs a bounded walk and no false notice.
 */
export function sawOp(ancestor: string, op: string, parentsOf: (key: string) => readonly string[] | undefined): boolean {
  let saw = false;
  walkAncestry([op], parentsOf, (key, visited) => {
    if (key === ancestor || visited > OVERWRITE_LIMITS.ancestryWalk) saw = true;
    return !saw;
  });
  return saw;
}

/**
 * Watches the keys this member wrote. When another member's op changes one of them without
 * having seen my write (they were concurrent, and Yjs's merge kept theirs), it is reported;
 * a later edit made on top of mine is ordinary and reported as nothing. Pure: the caller
 * says which keys each applied op changed and how ops relate.
 */
export function createOverwriteWatch(parentsOf: (key: string) => readonly string[] | undefined) {
  /** key → my latest write there; Map order is age order, for the bound. */
  const mine = new Map<string, { opKey: string; value: JsonValue | undefined }>();

  return {
    /** An op of mine was applied: remember what it left in each key it changed. */
    mine(opKey: string, changes: readonly KeyChange[]): void {
      for (const [key, value] of changes) {
        mine.delete(key);
        mine.set(key, { opKey, value });
        if (mine.size > OVERWRITE_LIMITS.trackedKeys) mine.delete(mine.keys().next().value!);
      }
    },

    /** Another member's op was applied: which of my writes it replaced concurrently. */
    theirs(opKey: string, changes: readonly KeyChange[]): Overwrite[] {
      const found: Overwrite[] = [];
      for (const [key, after] of changes) {
        const write = mine.get(key);
        if (!write) continue;
        // Either way the key is theirs now: one notice per write of mine, not one per later edit.
        mine.delete(key);
        if (same(after, write.value) || sawOp(write.opKey, opKey, parentsOf)) continue;
        found.push({ key, mine: write.value, winner: after, byOp: opKey });
      }
      return found;
    },

    /** How many keys are watched (for tests of the bound). */
    size: () => mine.size,
  };
}
