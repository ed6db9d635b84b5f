import * as Y from 'yjs';
import { encodeValue } from './canonicalValue.ts';
import { STATE_MAP, StateLayoutError, checkKey } from './layout.ts';

/**
 * Check that a Yjs update (v1) only writes state values into the state map, without
 * looking at any doc: a pure, intrinsic check of a delta that a verification gate can run
 * on the op alone.
 *
 * Why this suffices: a struct either names its parent (then it must be the root map
 * `state` with a key) or sits next to an origin struct and inherits that struct's parent
 * and key. If every update ever applied passes, every struct in the doc is a plain value
 * under a key of `state` (no nested types exist to inherit from), by induction.
 */
export function checkStateUpdate(update: Uint8Array): void {
  // The gate checks a delta's update, then the state checks it again: the second time is
  // free. Keyed by the array itself (ops' bytes are never written to after decoding).
  if (passed.has(update)) return;
  checkOnce(update);
  passed.add(update);
}

/** Updates that passed, by identity: a check costs a Yjs decode and a canonical encoding of every value. */
const passed = new WeakSet<Uint8Array>();

function checkOnce(update: Uint8Array): void {
  let structs;
  let ds;
  try {
    ({ structs, ds } = Y.decodeUpdate(update));
  } catch (e) {
    throw new StateLayoutError('malformed-update', `not a Yjs update: ${(e as Error).message}`);
  }
  // Yjs never writes an empty deletion, and applying one it must keep pending throws
  // ("Unexpected case" when re-encoding it): refuse it here, before anything applies it.
  for (const ranges of ds.clients.values()) {
    if (ranges.some((r) => r.len === 0)) throw new StateLayoutError('malformed-update', 'the update deletes an empty range');
  }
  for (const s of structs) {
    // Yjs never writes an empty struct (an Item with no content, an empty GC or Skip range),
    // and integrating one breaks its struct store ("Unexpected case" on the next lookup).
    if (s.length === 0) throw new StateLayoutError('malformed-update', 'the update holds an empty struct');
    if (!(s instanceof Y.Item)) continue; // GC and Skip: clock ranges without content
    if (s.origin === null && s.rightOrigin === null) {
      // A decoded struct names a root type by its name (a string), a nested one by an ID.
      if ((s.parent as unknown) !== STATE_MAP) {
        throw new StateLayoutError('outside-state-map', `the update writes outside the "${STATE_MAP}" map`);
      }
      if (s.parentSub === null) {
        throw new StateLayoutError('outside-state-map', `the update writes into the list part of "${STATE_MAP}"; use keys`);
      }
      checkKey(s.parentSub);
    }
    if (s.content instanceof Y.ContentAny) {
      for (const value of s.content.arr) encodeValue(value);
    } else if (!(s.content instanceof Y.ContentDeleted)) {
      throw new StateLayoutError('foreign-content', `the update holds ${s.content.constructor.name}; state values are plain JSON`);
    }
  }
}
