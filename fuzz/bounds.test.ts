import { getHeapStatistics } from 'node:v8';
import { describe, expect, test } from 'vitest';
import { FrameError, MAX_FRAME_BYTES, reassembler } from '../src/adapters/webrtc/frames.ts';
import { DecodeError } from '../src/core/codec/index.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../src/core/mesh/Link.ts';
import { decodeValue } from '../src/core/state/canonicalValue.ts';
import { readModuleShape, WasmFormatError } from '../src/runtime/wasmSections.ts';
import { encodeVarint, withVarintAt } from './mutate.ts';
import { judgeInput } from './target.ts';
import { TARGETS } from './targets/index.ts';

// Lengths and counts are checked against their bound and the bytes left before anything
// is allocated (code review: the codec's readLength, the frame START check, the wasm and
// state-value counts). These tests declare huge lengths everywhere and watch for the
// allocation a missing check would make.

/** Declared lengths past every bound: 2^53 - 1, past 32 bits, past the 2 GiB typed-array cap, just past 4 MiB. */
const HUGE = [2 ** 53 - 1, 2 ** 32 + 1, 2 ** 31, DEFAULT_MAX_MESSAGE_BYTES + 1];

describe('huge declared lengths are refused before allocation', () => {
  for (const target of TARGETS) {
    test(`${target.name}: a huge length at every offset of every seed`, { timeout: 120_000 }, async () => {
      const baseline = getHeapStatistics().external_memory; // ArrayBuffer contents, among others
      let peak = 0;
      let inputs = 0;
      for (const seed of await target.seeds()) {
        for (let at = 0; at < Math.min(seed.length, 512); at++) {
          for (const value of HUGE) {
            const verdict = judgeInput(target, withVarintAt(seed, at, value));
            expect(verdict.kind === 'crash' ? `${verdict.error} (offset ${at}, length ${value})` : 'no crash').toBe('no crash');
            peak = Math.max(peak, getHeapStatistics().external_memory - baseline);
            inputs++;
          }
        }
      }
      expect(inputs).toBeGreaterThan(0);
      // Garbage between collections stays far below one allocation of a declared length.
      expect(peak).toBeLessThan(64 * 1024 * 1024);
    });
  }

  test('a frame announcing a message over the link bound is refused before its buffer exists', () => {
    const start = (total: number) => {
      const frame = new Uint8Array(5);
      frame[0] = 1;
      new DataView(frame.buffer).setUint32(1, total);
      return frame;
    };
    for (const total of [0xffffffff, DEFAULT_MAX_MESSAGE_BYTES + 1]) {
      expect(() => reassembler(DEFAULT_MAX_MESSAGE_BYTES).push(start(total))).toThrow(FrameError);
    }
    expect(reassembler(DEFAULT_MAX_MESSAGE_BYTES).push(start(DEFAULT_MAX_MESSAGE_BYTES))).toEqual({ kind: 'partial' });
    expect(() => reassembler(DEFAULT_MAX_MESSAGE_BYTES).push(new Uint8Array(MAX_FRAME_BYTES + 1).fill(2))).toThrow(FrameError);
  });

  test('counts in a wasm section and in a state value are checked against the bytes left', () => {
    const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const memories = new Uint8Array([...header, 5, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]); // 2^32 - 1 memories in 5 bytes
    expect(() => readModuleShape(memories)).toThrow(WasmFormatError);
    const array = new Uint8Array([5, ...encodeVarint(2 ** 53 - 1)]);
    expect(() => decodeValue(array)).toThrow(DecodeError);
  });
});
