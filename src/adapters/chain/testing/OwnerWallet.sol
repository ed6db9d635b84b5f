// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A minimal ERC-1271 contract account for tests: one owner key, whose EIP-191 signatures
/// the wallet accepts as its own. Not for production (no execution, no key rotation).
contract OwnerWallet {
    bytes4 internal constant MAGIC_VALUE = 0x1626ba7e;
    /// secp256k1 order / 2: a higher s is the malleated twin of a lower-s signature.
    uint256 internal constant HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    /// ERC-1271: `signature` (r, s, v: 65 bytes) is valid when the owner made it over `hash`.
    /// Reverts on a signature that is not 65 bytes, as many wallets do.
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        require(signature.length == 65, "OwnerWallet: signature is not 65 bytes");
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (uint256(s) > HALF_N) return 0xffffffff;
        address signer = ecrecover(hash, v, r, s);
        return signer != address(0) && signer == owner ? MAGIC_VALUE : bytes4(0xffffffff);
    }
}
