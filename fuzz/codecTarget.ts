import { DecodeError, type Envelope } from '../src/core/codec/index.ts';
import { bytesEqual } from '../src/core/crypto/index.ts';
import type { FuzzTarget } from './target.ts';

export interface CodecTargetSpec<T> {
  name: string;
  decoder: string;
  seeds(): Promise<Uint8Array[]>;
  decode(input: Uint8Array): T;
  encode(value: T): Uint8Array;
  /** The envelope's tag and version. */
  tag: number;
  version: number;
  maxInputBytes: number;
  dictionary?: Uint8Array[];
  /** More invariants on an accepted value. */
  alsoCheck?(value: T, input: Uint8Array): string | undefined;
}

/**
 * A target for a decoder of the canonical codec that has an encoder: it refuses with
 * DecodeError, and whatever it accepts re-encodes to exactly the input (one byte string
 * per value, which op and invite ids rely on).
 */
export function codecTarget<T>(spec: CodecTargetSpec<T>): FuzzTarget<T> {
  const header = Uint8Array.of(spec.tag, spec.version);
  return {
    name: spec.name,
    decoder: spec.decoder,
    seeds: spec.seeds,
    maxInputBytes: spec.maxInputBytes,
    header,
    dictionary: [header, ...(spec.dictionary ?? [])],
    decode: spec.decode,
    isRefusal: (error) => error instanceof DecodeError,
    check(value, input) {
      const again = spec.encode(value);
      if (!bytesEqual(again, input)) return `accepted bytes re-encode differently (${again.length} bytes, input ${input.length}): not canonical`;
      return spec.alsoCheck?.(value, input);
    },
  };
}

/** Generated inputs stay small: room for every seed and its growth (each envelope checks its own bound first). */
const ENVELOPE_INPUT_BYTES = 16 * 1024;

/** A codec target for an `envelope(...)` codec, used as it is exported. */
export function envelopeTarget<T>(
  name: string,
  envelope: Envelope<T>,
  spec: { decoder: string; seeds(): Promise<Uint8Array[]>; dictionary?: Uint8Array[] },
): FuzzTarget<T> {
  return codecTarget({
    name,
    ...spec,
    decode: (input) => envelope.decode(input),
    encode: (value) => envelope.encode(value),
    tag: envelope.tag,
    version: envelope.version,
    maxInputBytes: Math.min(envelope.maxBytes + 64, ENVELOPE_INPUT_BYTES),
  });
}
