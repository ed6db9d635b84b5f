// The wire format of a data-channel Link. Every data-channel message is one frame:
//   READY  [4, version]                 sent on open and echoed once; no data before it
//   START  [1, total (u32 BE), bytes…]  first piece of a message, with its whole length
//   MORE   [2, bytes…]                  next piece of the message in progress
//   CLOSE  [3, reason (UTF-8)…]         the sender is closing the link, and why
// Frames stay well under the data-channel message limit (browsers differ; 16 KiB is safe
// everywhere), so a message of any allowed size goes through in pieces.

export const FRAMING_VERSION = 1;
/** Size of the frames we send. */
export const FRAME_BYTES = 16 * 1024;
/** Largest frame we accept (a peer with a bigger frame size still works). */
export const MAX_FRAME_BYTES = 64 * 1024;
const MAX_REASON_BYTES = 512;

const START = 1;
const MORE = 2;
const CLOSE = 3;
const READY = 4;
const START_HEADER = 5;

/** A frame that breaks the format: the link closes with this as its reason. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

export const readyFrame = (): Uint8Array<ArrayBuffer> => Uint8Array.of(READY, FRAMING_VERSION);

export function closeFrame(reason: string): Uint8Array<ArrayBuffer> {
  const text = new TextEncoder().encode(reason).subarray(0, MAX_REASON_BYTES);
  const frame = new Uint8Array(1 + text.length);
  frame[0] = CLOSE;
  frame.set(text, 1);
  return frame;
}

/** The frames of one message, produced lazily so a sender can stop between them. */
export function* messageFrames(message: Uint8Array, frameBytes = FRAME_BYTES): Generator<Uint8Array<ArrayBuffer>> {
  const firstBytes = Math.min(message.length, frameBytes - START_HEADER);
  const first = new Uint8Array(START_HEADER + firstBytes);
  first[0] = START;
  new DataView(first.buffer).setUint32(1, message.length);
  first.set(message.subarray(0, firstBytes), START_HEADER);
  yield first;
  for (let at = firstBytes; at < message.length; at += frameBytes - 1) {
    const piece = message.subarray(at, at + frameBytes - 1);
    const frame = new Uint8Array(1 + piece.length);
    frame[0] = MORE;
    frame.set(piece, 1);
    yield frame;
  }
}

export type Incoming =
  | { kind: 'ready' }
  | { kind: 'message'; message: Uint8Array }
  | { kind: 'partial' }
  | { kind: 'close'; reason: string };

/**
 * Turns frames back into messages. Every length is checked before anything is allocated:
 * a START announcing more than `maxMessageBytes` is refused before its buffer exists.
 */
export function reassembler(maxMessageBytes: number): { push(frame: Uint8Array): Incoming } {
  let message: Uint8Array | undefined;
  let filled = 0;

  const take = (piece: Uint8Array): Incoming => {
    if (!message) throw new FrameError('frame error: a MORE frame with no message in progress');
    if (filled + piece.length > message.length) {
      throw new FrameError(`frame error: pieces add up to more than the announced ${message.length} bytes`);
    }
    message.set(piece, filled);
    filled += piece.length;
    if (filled < message.length) return { kind: 'partial' };
    const whole = message;
    message = undefined;
    return { kind: 'message', message: whole };
  };

  return {
    push(frame) {
      if (frame.length === 0) throw new FrameError('frame error: empty frame');
      if (frame.length > MAX_FRAME_BYTES) throw new FrameError(`frame error: frame of ${frame.length} bytes is over ${MAX_FRAME_BYTES}`);
      switch (frame[0]) {
        case READY:
          if (frame[1] !== FRAMING_VERSION) throw new FrameError(`frame error: framing version ${frame[1]} is not supported (this side speaks ${FRAMING_VERSION})`);
          return { kind: 'ready' };
        case START: {
          if (message) throw new FrameError('frame error: a START frame while a message is in progress');
          if (frame.length < START_HEADER) throw new FrameError('frame error: truncated START frame');
          const total = new DataView(frame.buffer, frame.byteOffset).getUint32(1);
          if (total > maxMessageBytes) throw new FrameError(`protocol error: announced message of ${total} bytes is over the limit of ${maxMessageBytes}`);
          message = new Uint8Array(total);
          filled = 0;
          return take(frame.subarray(START_HEADER));
        }
        case MORE:
          return take(frame.subarray(1));
        case CLOSE:
          message = undefined;
          return { kind: 'close', reason: new TextDecoder().decode(frame.subarray(1)) };
        default:
          throw new FrameError(`frame error: unknown frame type ${frame[0]}`);
      }
    },
  };
}
