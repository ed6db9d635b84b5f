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
