import { bytesEqual, toHex } from '../crypto/index.ts';
import { openDeltaBody } from '../epochs/seal.ts';
import type { EpochKeyRing } from '../epochs/ring.ts';
import type { CheckedOp } from '../governance/checkedOp.ts';
import type { DeltaBody } from '../ops/op.ts';
import { checkStateUpdate } from '../state/checkUpdate.ts';

/**
 * Reads state deltas for the replica: a clear `delta` as it is, a `sealed-delta` opened under
 * its epoch key when the ring holds it. A sealed delta whose key is not held is *held* (by
 * key op) until the key comes; one that does not open under the key its key op committed to
 * (the only key the ring holds for it), or whose update breaks the state layout, is
 * *unreadable* and never reaches state. None of this touches verdicts: relays and members
 * judge sealed deltas alike (docs/decisions/epoch-keys.md).
 */
export function createDeltaReader(contextId: Uint8Array, ring: EpochKeyRing) {
  /** Opened bodies, by op key (kept: state rebuilds, events and audit read them again). */
  const opened = new Map<string, DeltaBody>();
  /** Why each unreadable delta is, and the key it failed under: under another key it is read again. */
  const unreadable = new Map<string, { message: string; key: Uint8Array }>();
  /** Op keys waiting for a key, by key op. */
  const held = new Map<string, Set<string>>();
  let heldCount = 0;

  function read(c: CheckedOp): DeltaBody | undefined {
    const body = c.op.body;
    if (body.kind === 'delta') return body;
    if (body.kind !== 'sealed-delta') return undefined;
    const done = opened.get(c.key);
    if (done) return done;
    const keyOp = toHex(body.keyOp);
    const key = ring.get(keyOp);
    const failed = unreadable.get(c.key);
    if (failed && key && bytesEqual(failed.key, key)) return undefined;
    unreadable.delete(c.key);
    if (!key) {
      const waiting = held.get(keyOp) ?? new Set();
      if (!waiting.has(c.key)) heldCount++;
      held.set(keyOp, waiting.add(c.key));
      return undefined;
    }
    try {
      const plain = openDeltaBody(key, contextId, body);
      checkStateUpdate(plain.update);
      opened.set(c.key, plain);
      return plain;
    } catch (e) {
      unreadable.set(c.key, { key, message: `the sealed delta does not open under its epoch key, or breaks the state layout: ${(e as Error).message}` });
      return undefined;
    }
  }

  return {
    read,
    /** The op keys that waited for these key ops (no longer held: the caller reads them now). */
    release(keyOps: string[]): string[] {
      const out: string[] = [];
      for (const k of keyOps) {
        const waiting = held.get(k);
        if (!waiting) continue;
        held.delete(k);
        heldCount -= waiting.size;
        out.push(...waiting);
      }
      return out;
    },
    heldCount: () => heldCount,
    unreadable: () => [...unreadable].map(([key, { message }]) => ({ key, reason: 'unreadable' as const, message })),
  };
}
