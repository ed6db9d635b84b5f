import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, fromHex, toHex } from '../crypto/index.ts';
import type { AnchorRecord, Hash32 } from './AnchorChain.ts';

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

function uint256(value: bigint): Uint8Array {
  if (value < 0n || value >= 1n << 256n) throw new Hash32Error(`${value} does not fit a uint256`);
  return fromHex(value.toString(16).padStart(64, '0'));
}

/**
 * What the registry stores for an anchor: keccak256(abi.encode(govHead, memberRoot,
 * stateRoot, uint64 epoch)). The contract computes the same hash (TabnodeRegistry.sol), so
 * a node checks a record from an event against the stored hash without trusting the log.
 */
export function anchorRecordHash(r: AnchorRecord): Hash32 {
  const words = concatBytes(hash32Bytes(r.govHead, 'govHead'), hash32Bytes(r.memberRoot, 'memberRoot'), hash32Bytes(r.stateRoot, 'stateRoot'), uint256(r.epoch));
  return toHash32(keccak_256(words));
}
