import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HELD_ID_SLAB_BYTES, holdId } from './heldIds.ts';

describe('holdId', () => {
  it('returns an equal copy that later writes to the original do not reach', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (id) => {
        const held = holdId(id);
        expect(held).toEqual(id);
        id.fill(id[0]! ^ 0xff);
        expect(held).not.toEqual(id);
      }),
    );
  });

  it('puts many ids in one slab, each in its own 32 bytes', () => {
    const ids = Array.from({ length: HELD_ID_SLAB_BYTES / 32 + 3 }, (_, i) => new Uint8Array(32).fill(i % 256));
    const held = ids.map(holdId);
    held.forEach((h, i) => expect(h).toEqual(ids[i]));
    const buffers = new Set(held.map((h) => h.buffer));
    expect(buffers.size).toBeLessThanOrEqual(3);
    expect(buffers.size).toBeLessThan(held.length);
  });

  it('refuses what is not an op id', () => {
    expect(() => holdId(new Uint8Array(31))).toThrow(RangeError);
  });
});
