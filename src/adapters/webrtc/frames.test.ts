import { describe, expect, test } from 'vitest';
import { closeFrame, FRAME_BYTES, FrameError, messageFrames, readyFrame, reassembler } from './frames.ts';

const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);

describe('data-channel frames', () => {
  test.each([0, 1, FRAME_BYTES - 5, FRAME_BYTES - 4, FRAME_BYTES, 3 * FRAME_BYTES + 17])('a %i-byte message round-trips', (n) => {
    const message = bytes(n);
    const frames = [...messageFrames(message)];
    frames.forEach((f) => expect(f.length).toBeLessThanOrEqual(FRAME_BYTES));
    const r = reassembler(1 << 20);
    const results = frames.map((f) => r.push(f));
    expect(results.slice(0, -1).every((x) => x.kind === 'partial')).toBe(true);
    expect(results.at(-1)).toEqual({ kind: 'message', message });
  });

  test('ready and close frames', () => {
    const r = reassembler(100);
    expect(r.push(readyFrame())).toEqual({ kind: 'ready' });
    expect(r.push(closeFrame('bye now'))).toEqual({ kind: 'close', reason: 'bye now' });
  });

  test.each<[string, Uint8Array[]]>([
    ['empty frame', [new Uint8Array(0)]],
    ['unknown type', [Uint8Array.of(9)]],
    ['other framing version', [Uint8Array.of(4, 2)]],
    ['MORE without START', [Uint8Array.of(2, 1, 2)]],
    ['truncated START', [Uint8Array.of(1, 0, 0)]],
    ['START over the limit', [Uint8Array.of(1, 0, 0, 0, 101)]],
    ['pieces beyond the announced length', [Uint8Array.of(1, 0, 0, 0, 2, 1), Uint8Array.of(2, 1, 2)]],
    ['START inside a message', [Uint8Array.of(1, 0, 0, 0, 2, 1), Uint8Array.of(1, 0, 0, 0, 1)]],
    ['a huge frame', [new Uint8Array(70_000).fill(2)]],
  ])('refuses %s', (_name, frames) => {
    const r = reassembler(100);
    expect(() => frames.forEach((f) => r.push(f))).toThrow(FrameError);
  });
});
