import { FrameError, reassembler, type Incoming } from '../../src/adapters/webrtc/frames.ts';
import { wireSamples } from '../samples/wire.ts';
import { bytesEqual } from '../../src/core/crypto/index.ts';
import type { FuzzTarget } from '../target.ts';

/*
 * A fuzz input is a run of frames as one data channel delivers them, each written here as
 * a 2-byte big-endian length and the frame's bytes (the channel keeps message boundaries;
 * this container only stands for them). The reassembler gets them in order, as the
 * data-channel link feeds it; a FrameError closes the link, so it ends the run.
 */

export function framesOf(input: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let at = 0;
  while (at + 2 <= input.length) {
    const length = (input[at]! << 8) | input[at + 1]!;
    at += 2;
    frames.push(input.subarray(at, at + length));
    at += length;
  }
  return frames;
}

export function joinFrames(frames: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(frames.reduce((n, f) => n + 2 + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out[at++] = f.length >> 8;
    out[at++] = f.length & 0xff;
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/**
 * What the frames should give, worked out independently: the payload bytes of each START
 * and the MOREs after it, once they add up to the announced length.
 */
function expectedMessages(frames: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pieces: Uint8Array[] = [];
  let total = -1;
  let filled = 0;
  const settle = () => {
    if (total >= 0 && filled === total) {
      const message = new Uint8Array(total);
      let at = 0;
      for (const p of pieces) message.set(p, (at += p.length) - p.length);
      out.push(message);
      total = -1;
    }
  };
  for (const f of frames) {
    if (f[0] === 1) {
      total = new DataView(f.buffer, f.byteOffset).getUint32(1);
      pieces = [f.subarray(5)];
      filled = f.length - 5;
      settle();
    } else if (f[0] === 2) {
      pieces.push(f.subarray(1));
      filled += f.length - 1;
      settle();
    } else if (f[0] === 3) {
      total = -1;
    }
  }
  return out;
}

/**
 * The message bound of the fuzzed reassembler. Links use 4 MiB; a START announcing that much
 * allocates it (bounded, by design), which would make most of a run's time zero-filling
 * buffers. The bound check is the same code at any value; bounds.test.ts checks the real one.
 */
const FUZZ_MAX_MESSAGE_BYTES = 64 * 1024;

export const framesTarget: FuzzTarget<Incoming[]> = {
  name: 'frame',
  decoder: 'reassembler().push (src/adapters/webrtc/frames.ts)',
  async seeds() {
    return (await wireSamples()).frameSequences.map(joinFrames);
  },
  maxInputBytes: 8 * 1024,
  dictionary: [Uint8Array.of(4, 1), Uint8Array.of(1, 0, 0, 0), Uint8Array.of(2), Uint8Array.of(3), Uint8Array.of(0, 5, 1, 0, 0, 0, 0)],
  decode(input) {
    const frames = reassembler(FUZZ_MAX_MESSAGE_BYTES);
    return framesOf(input).map((frame) => frames.push(frame));
  },
  isRefusal: (error) => error instanceof FrameError,
  check(results, input) {
    const got = results.flatMap((r) => (r.kind === 'message' ? [r.message] : []));
    const expected = expectedMessages(framesOf(input));
    if (got.length !== expected.length || got.some((m, i) => !bytesEqual(m, expected[i]!))) {
      return `reassembled ${got.length} messages where the frames carry ${expected.length}, or different bytes`;
    }
    return undefined;
  },
};
