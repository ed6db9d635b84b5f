import { base58, base64urlnopad } from '@scure/base';

/** Text that is not valid in the encoding it claims. */
export class TextEncodingError extends Error {
  override readonly name = 'TextEncodingError';
  constructor(
    readonly encoding: 'base58' | 'base64url',
    detail: string,
  ) {
    super(`not valid ${encoding}: ${detail}`);
  }
}

/** Bitcoin-alphabet base58, for ids people see and copy. */
export function toBase58(bytes: Uint8Array): string {
  return base58.encode(bytes);
}

export function fromBase58(text: string): Uint8Array {
  try {
    return base58.decode(text);
  } catch (e) {
    throw new TextEncodingError('base58', (e as Error).message);
  }
}

/** Unpadded base64url (RFC 4648 §5), for binary in URLs and JSON. */
export function toBase64url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

export function fromBase64url(text: string): Uint8Array {
  try {
    return base64urlnopad.decode(text);
  } catch (e) {
    throw new TextEncodingError('base64url', (e as Error).message);
  }
}
