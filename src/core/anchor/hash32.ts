import { fromHex, toHex } from '../crypto/index.ts';
import type { Hash32 } from './AnchorChain.ts';

// 32-byte words as 0x-hex (what chains and anchors speak) and as bytes (what ops carry).
// Apart from recordHash.ts so that using them does not load keccak.

/** A value that is not 0x + 64 hex digits where a 32-byte word is expected. */
export class Hash32Error extends Error {
  override readonly name = 'Hash32Error';
}

export function hash32Bytes(value: string, what = 'value'): Uint8Array {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new Hash32Error(`${what} "${value.slice(0, 80)}" is not 0x and 64 hex digits`);
  return fromHex(value.slice(2).toLowerCase());
}

export function toHash32(bytes: Uint8Array): Hash32 {
  if (bytes.length !== 32) throw new Hash32Error(`expected 32 bytes, got ${bytes.length}`);
  return `0x${toHex(bytes)}`;
}
