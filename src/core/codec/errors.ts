/** Why a byte string was refused. Every decoding failure carries one of these. */
export type DecodeErrorCode =
  | 'truncated' // the input ended before the value did
  | 'trailing-bytes' // the value ended before the input did
  | 'too-long' // a declared length or count is over its bound
  | 'non-canonical' // a second byte string for a value that has one canonical form
  | 'bad-tag' // an unknown type tag or union variant
  | 'bad-version' // a known type in a version this code does not read
  | 'invalid-value'; // bytes that cannot be the declared type (bad UTF-8, out-of-range number)

/** Malformed input. Thrown by every decoder; never a crash, never an unbounded allocation. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly code: DecodeErrorCode,
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}

/** A value that cannot be encoded as its schema says (too long, wrong type). A bug in the caller. */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
}
