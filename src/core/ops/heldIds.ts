/**
 * Op ids a history holds for as long as the context is open are copied into shared slabs.
 * A 32-byte id in its own buffer costs ~230 bytes of heap (the typed array, its ArrayBuffer
 * and the bytes); a view into a slab ~70. Only for ids that live as long as their neighbours:
 * one id kept alive keeps its whole slab (`HELD_ID_SLAB_BYTES`).
 */
export const HELD_ID_SLAB_BYTES = 8192;

const ID_BYTES = 32;
let slab = new Uint8Array(0);
let used = 0;

/** A copy of `id` (32 bytes) that shares its buffer with other held ids. */
export function holdId(id: Uint8Array): Uint8Array {
  if (id.length !== ID_BYTES) throw new RangeError(`an op id is ${ID_BYTES} bytes, not ${id.length}`);
  if (used + ID_BYTES > slab.length) {
    slab = new Uint8Array(HELD_ID_SLAB_BYTES);
    used = 0;
  }
  const held = slab.subarray(used, used + ID_BYTES);
  held.set(id);
  used += ID_BYTES;
  return held;
}
