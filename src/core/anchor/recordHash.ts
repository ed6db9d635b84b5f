import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, fromHex } from '../crypto/index.ts';
import type { AnchorRecord, Hash32 } from './AnchorChain.ts';
import { Hash32Error, hash32Bytes, toHash32 } from './hash32.ts';

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
