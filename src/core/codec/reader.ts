import { DecodeError } from './errors.ts';

/** A cursor over untrusted bytes. Every read checks bounds before it allocates. */
export interface Reader {
  readonly bytes: Uint8Array;
  pos: number;
  /**
   * Byte fields are views into `bytes`, not copies. Only for input its caller keeps whole and
   * never changes (an op's own encoded bytes, held beside the decoded op): one buffer per op
   * instead of one per field.
   */
  readonly alias?: boolean;
}

export function createReader(bytes: Uint8Array, alias = false): Reader {
  return { bytes, pos: 0, alias };
}

export function remaining(r: Reader): number {
  return r.bytes.length - r.pos;
}

export function readU8(r: Reader): number {
  if (r.pos >= r.bytes.length) throw new DecodeError('truncated', 'expected a byte, input ended', r.pos);
  return r.bytes[r.pos++]!;
}

/** Unsigned LEB128; rejects over-long (non-minimal) forms and values past Number.MAX_SAFE_INTEGER. */
export function readVarUint(r: Reader): number {
  const start = r.pos;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    const byte = readU8(r);
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) throw new DecodeError('non-canonical', 'integer has redundant trailing zero bytes', start);
      if (!Number.isSafeInteger(value)) throw new DecodeError('invalid-value', 'integer is past 2^53 - 1', start);
      return value;
    }
    scale *= 0x80;
  }
  throw new DecodeError('invalid-value', 'integer is longer than 8 bytes', start);
}

/** Exactly `length` bytes, copied out so the result never aliases the input (unless the reader is an aliasing one). */
export function readRaw(r: Reader, length: number): Uint8Array {
  if (length > remaining(r)) {
    throw new DecodeError('truncated', `expected ${length} bytes, only ${remaining(r)} left`, r.pos);
  }
  const out = r.alias ? r.bytes.subarray(r.pos, r.pos + length) : r.bytes.slice(r.pos, r.pos + length);
  r.pos += length;
  return out;
}

/** A length prefix, checked against its bound and against what is left before anything is allocated. */
export function readLength(r: Reader, max: number, minBytesPerItem = 1): number {
  const at = r.pos;
  const length = readVarUint(r);
  if (length > max) throw new DecodeError('too-long', `length ${length} is over the limit of ${max}`, at);
  if (length * minBytesPerItem > remaining(r)) {
    throw new DecodeError('truncated', `length ${length} is more than the ${remaining(r)} bytes left`, at);
  }
  return length;
}

export function expectEnd(r: Reader): void {
  if (r.pos !== r.bytes.length) {
    throw new DecodeError('trailing-bytes', `${r.bytes.length - r.pos} unexpected bytes after the value`, r.pos);
  }
}
