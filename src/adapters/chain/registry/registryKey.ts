import { keccak_256 } from '@noble/hashes/sha3.js';
import type { Address, Hash32 } from '../../../core/anchor/AnchorChain.ts';
import { hash32Bytes, toHash32 } from '../../../core/anchor/hash32.ts';
import { addressBytes } from '../../../core/anchor/binding.ts';

/** Addresses are compared and reported lowercase (the chain ignores case; checksums are for people). */
export function lowerAddress(value: string, what = 'address'): Address {
  addressBytes(value, what);
  return value.toLowerCase() as Address;
}

/**
 * The registry's storage key of a context: keccak256(abi.encode(bytes32 contextId, address
 * owner)), as TabnodeRegistry.keyOf computes it. Every event of the context carries it as its
 * first topic, which is how nodes filter logs.
 */
export function registryKey(context: Hash32, owner: Address): Hash32 {
  const words = new Uint8Array(64);
  words.set(hash32Bytes(context, 'context id'), 0);
  words.set(addressBytes(owner, 'owner'), 44);
  return toHash32(keccak_256(words));
}
