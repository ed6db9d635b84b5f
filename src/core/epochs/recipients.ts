import { toHex } from '../crypto/index.ts';
import type { EpochRecipient } from '../ops/op.ts';

/** The box keys (hex) a rotation's or grant's boxes are addressed to. */
export interface RecipientKeys {
  keys: ReadonlySet<string>;
  /** A box key addressed more than once, if any (refused: a device would try every such box). */
  duplicate?: string;
}

// Per op (its boxes list, which the checked op keeps): the evaluator re-applies every governance
// op on every state rebuild, and a rotation has up to 2,000 boxes, so they are read once.
const memo = new WeakMap<readonly EpochRecipient[], RecipientKeys>();

export function recipientKeys(boxes: readonly EpochRecipient[]): RecipientKeys {
  let out = memo.get(boxes);
  if (out) return out;
  const keys = new Set<string>();
  let duplicate: string | undefined;
  for (const b of boxes) {
    const to = toHex(b.to);
    if (keys.has(to)) duplicate ??= to;
    keys.add(to);
  }
  out = duplicate === undefined ? { keys } : { keys, duplicate };
  memo.set(boxes, out);
  return out;
}

/**
 * Who a key op's key reached: the box keys of the op itself, then of each valid grant of it,
 * newest first. Applying a grant links one node onto the list and copies nothing, so a state
 * rebuild costs the same however many boxes earlier ops had; the nodes' sets are the ops'
 * own (`recipientKeys`), shared by every state.
 */
export interface Reached {
  readonly to: ReadonlySet<string>;
  readonly earlier?: Reached;
}

/** Whether the key reached `boxKey`: a walk over the key op and its grants. */
export function reachedBoxKey(reached: Reached | undefined, boxKey: string): boolean {
  for (let r = reached; r; r = r.earlier) if (r.to.has(boxKey)) return true;
  return false;
}

/** Every box key the key reached, as a new set (only repair planning needs them all). */
export function holdersOf(reached: Reached | undefined): Set<string> {
  const out = new Set<string>();
  for (let r = reached; r; r = r.earlier) for (const k of r.to) out.add(k);
  return out;
}
