import { DecodeError } from '../src/core/codec/index.ts';
import { bytesEqual } from '../src/core/crypto/index.ts';
import type { FuzzTarget } from './target.ts';

/**
 * A target for a decoder of the canonical codec that has an encoder: it refuses with
 * DecodeError, and whatever it accepts re-encodes to exactly the input (one byte string
 * per value, which op and invite ids rely on).
 */
export function codecTarget<T>(spec: {
  name: string;
  decoder: string;
  seeds(): Promise<Uint8Array[]>;
  decode(input: Uint8Array): T;
  encode(value: T): Uint8Array;
  /** The envelope's tag and version. */
  tag: number;
  version?: number;
  maxInputBytes: number;
  dictionary?: Uint8Array[];
  /** More invariants on an accepted value. */
  alsoCheck?(value: T, input: Uint8Array): string | undefined;
}): FuzzTarget<T> {
  return {
    name: spec.name,
    decoder: spec.decoder,
    seeds: spec.seeds,
    maxInputBytes: spec.maxInputBytes,
    header: Uint8Array.of(spec.tag, spec.version ?? 1),
    dictionary: [Uint8Array.of(spec.tag, spec.version ?? 1), ...(spec.dictionary ?? [])],
    decode: spec.decode,
    isRefusal: (error) => error instanceof DecodeError,
    check(value, input) {
      const again = spec.encode(value);
      if (!bytesEqual(again, input)) return `accepted bytes re-encode differently (${again.length} bytes, input ${input.length}): not canonical`;
      return spec.alsoCheck?.(value, input);
    },
  };
}
