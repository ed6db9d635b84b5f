import type { AnchorBinding, Hash32, RegistryEvent } from '../anchor/AnchorChain.ts';

/**
 * Checks signatures made by contract accounts on their own chain: ERC-1271
 * `isValidSignature` for Ethereum, `is_valid_signature` for Starknet accounts whose key
 * cannot be tied to the address offline. An adapter with an RPC supplies it; core never
 * reaches the network. Without one, such proofs are `unverifiable` and refused by default.
 */
export interface AccountVerifier {
  /** ERC-1271: does contract `address` on `chainId` accept `signature` over the EIP-191 `message`? */
  ethereum?(args: { chainId: number; address: `0x${string}`; message: string; signature: Uint8Array }): Promise<boolean>;
  /** Starknet: does account `address` on `chainId` accept `signature` (felts) for the SNIP-12 message `hash`? */
  starknet?(args: { chainId: string; address: string; hash: string; signature: string[] }): Promise<boolean>;
}

/**
 * Reads a context's registry events on the chain its genesis binds it to, to check the
 * evidence an `anchored-revoke-key` op carries. An adapter with an RPC supplies it (only
 * events of `binding.registry` on `binding.chainId` about `context`, after its confirmation
 * depth); without one, such ops are `unverifiable` and refused.
 */
export interface AnchorEventSource {
  eventAt(binding: AnchorBinding, context: Hash32, txHash: Hash32, logIndex: number): Promise<RegistryEvent | undefined>;
}
