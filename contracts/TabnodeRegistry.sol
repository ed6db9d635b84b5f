// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title TabnodeRegistry
/// @notice The on-chain source of truth for Tabnode contexts: per (context id, owner) an admin
/// set, a monotonic `seq`, the hash of the latest anchor, the app hash, and terminal key
/// revocations. Storage holds hashes only; events carry the full records, which nodes check
/// against the stored hashes.
/// @dev A context is keyed by keccak256(abi.encode(contextId, owner)), where `owner` is the
/// address its genesis op binds. Only `owner` can register under its own address, so
/// registering someone else's context id first creates a different key nobody reads.
contract TabnodeRegistry {
    struct Context {
        /// 0 until registered; bumped by register, anchor, setAdmin and setApp.
        uint64 seq;
        /// anchorRecordHash of the latest anchor; NO_ANCHOR until the first.
        bytes32 anchorHash;
        bytes32 appHash;
    }

    /// Stored in `anchorHash` at registration so the first anchor rewrites a nonzero slot
    /// (about 17k gas cheaper than zero to nonzero); views report it as zero.
    bytes32 private constant NO_ANCHOR = bytes32(uint256(1));
    bytes4 private constant ERC1271_MAGIC = 0x1626ba7e;
    /// secp256k1 order / 2: a higher s is the malleated twin of a low-s signature.
    uint256 private constant HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 public constant REGISTER_TYPEHASH =
        keccak256("Register(bytes32 contextId,address owner,bytes32 appHash,address[] admins,uint256 deadline)");
    bytes32 public constant ANCHOR_TYPEHASH = keccak256(
        "Anchor(bytes32 contextId,address owner,uint64 expectedSeq,bytes32 govHead,bytes32 memberRoot,bytes32 stateRoot,uint64 epoch,uint256 deadline)"
    );
    bytes32 public constant SET_ADMIN_TYPEHASH =
        keccak256("SetAdmin(bytes32 contextId,address owner,uint64 expectedSeq,address admin,bool enabled,uint256 deadline)");
    bytes32 public constant SET_APP_TYPEHASH =
        keccak256("SetApp(bytes32 contextId,address owner,uint64 expectedSeq,bytes32 appHash,uint256 deadline)");
    bytes32 public constant REVOKE_KEY_TYPEHASH =
        keccak256("RevokeKey(bytes32 contextId,address owner,bytes32 clientKey,uint256 deadline)");

    mapping(bytes32 key => Context) private _contexts;
    mapping(bytes32 key => mapping(address who => bool)) private _admins;
    /// Revoked by an admin of the context (what `isRevoked` answers).
    mapping(bytes32 key => mapping(bytes32 clientKey => bool)) private _adminRevoked;
    /// Revoked by `by` while not an admin: a self-claimed revocation, per revoker, so a
    /// stranger revoking first cannot stand in for (or block) the key's own root.
    mapping(bytes32 key => mapping(bytes32 clientKey => mapping(address by => bool))) private _revokedBy;

    uint256 private immutable _cachedChainId;
    bytes32 private immutable _cachedDomainSeparator;

    error NotOwner(address caller, address owner);
    error NotAdmin(address caller);
    error AlreadyRegistered(bytes32 contextId, address owner);
    error NotRegistered(bytes32 contextId, address owner);
    error StaleSeq(uint64 expected, uint64 actual);
    error Expired(uint256 deadline, uint256 timestamp);
    error BadSignature(address signer);
    error OwnerAlwaysAdmin(address owner);
    error ZeroAdmin();

    event Registered(
        bytes32 indexed key, bytes32 indexed contextId, address indexed owner, uint64 seq, bytes32 appHash, address[] admins, address by
    );
    event AdminSet(bytes32 indexed key, address indexed admin, uint64 seq, bool enabled, address by);
    event Anchored(
        bytes32 indexed key,
        bytes32 indexed contextId,
        uint64 seq,
        bytes32 govHead,
        bytes32 memberRoot,
        bytes32 stateRoot,
        uint64 epoch,
        address by
    );
    event AppSet(bytes32 indexed key, uint64 seq, bytes32 appHash, address by);
    event KeyRevoked(bytes32 indexed key, bytes32 indexed clientKey, address indexed by, bool asAdmin);

    constructor() {
        _cachedChainId = block.chainid;
        _cachedDomainSeparator = _buildDomainSeparator();
    }

    // ---------------------------------------------------------------- direct (msg.sender)

    function register(bytes32 contextId, address owner, bytes32 appHash, address[] calldata admins) external {
        _register(contextId, owner, appHash, admins, msg.sender);
    }

    function anchor(
        bytes32 contextId,
        address owner,
        uint64 expectedSeq,
        bytes32 govHead,
        bytes32 memberRoot,
        bytes32 stateRoot,
        uint64 epoch
    ) external {
        _anchor(contextId, owner, expectedSeq, govHead, memberRoot, stateRoot, epoch, msg.sender);
    }

    function setAdmin(bytes32 contextId, address owner, uint64 expectedSeq, address admin, bool enabled) external {
        _setAdmin(contextId, owner, expectedSeq, admin, enabled, msg.sender);
    }

    function setApp(bytes32 contextId, address owner, uint64 expectedSeq, bytes32 appHash) external {
        _setApp(contextId, owner, expectedSeq, appHash, msg.sender);
    }

    function revokeKey(bytes32 contextId, address owner, bytes32 clientKey) external {
        _revokeKey(contextId, owner, clientKey, msg.sender);
    }

    // ---------------------------------------------------------------- relayed (EIP-712)

    function registerBySig(
        bytes32 contextId,
        address owner,
        bytes32 appHash,
        address[] calldata admins,
        address signer,
        uint256 deadline,
        bytes calldata signature
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(REGISTER_TYPEHASH, contextId, owner, appHash, keccak256(abi.encodePacked(admins)), deadline)
        );
        _checkSignature(signer, deadline, structHash, signature);
        _register(contextId, owner, appHash, admins, signer);
    }

    function anchorBySig(
        bytes32 contextId,
        address owner,
        uint64 expectedSeq,
        bytes32 govHead,
        bytes32 memberRoot,
        bytes32 stateRoot,
        uint64 epoch,
        address signer,
        uint256 deadline,
        bytes calldata signature
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(ANCHOR_TYPEHASH, contextId, owner, expectedSeq, govHead, memberRoot, stateRoot, epoch, deadline)
        );
        _checkSignature(signer, deadline, structHash, signature);
        _anchor(contextId, owner, expectedSeq, govHead, memberRoot, stateRoot, epoch, signer);
    }

    function setAdminBySig(
        bytes32 contextId,
        address owner,
        uint64 expectedSeq,
        address admin,
        bool enabled,
        address signer,
        uint256 deadline,
        bytes calldata signature
    ) external {
        bytes32 structHash =
            keccak256(abi.encode(SET_ADMIN_TYPEHASH, contextId, owner, expectedSeq, admin, enabled, deadline));
        _checkSignature(signer, deadline, structHash, signature);
        _setAdmin(contextId, owner, expectedSeq, admin, enabled, signer);
    }

    function setAppBySig(
        bytes32 contextId,
        address owner,
        uint64 expectedSeq,
        bytes32 appHash,
        address signer,
        uint256 deadline,
        bytes calldata signature
    ) external {
        bytes32 structHash = keccak256(abi.encode(SET_APP_TYPEHASH, contextId, owner, expectedSeq, appHash, deadline));
        _checkSignature(signer, deadline, structHash, signature);
        _setApp(contextId, owner, expectedSeq, appHash, signer);
    }

    function revokeKeyBySig(
        bytes32 contextId,
        address owner,
        bytes32 clientKey,
        address signer,
        uint256 deadline,
        bytes calldata signature
    ) external {
        bytes32 structHash = keccak256(abi.encode(REVOKE_KEY_TYPEHASH, contextId, owner, clientKey, deadline));
        _checkSignature(signer, deadline, structHash, signature);
        _revokeKey(contextId, owner, clientKey, signer);
    }

    // ---------------------------------------------------------------- views

    function keyOf(bytes32 contextId, address owner) public pure returns (bytes32) {
        return keccak256(abi.encode(contextId, owner));
    }

    function contextOf(bytes32 contextId, address owner)
        external
        view
        returns (bool registered, uint64 seq, bytes32 anchorHash, bytes32 appHash)
    {
        Context storage c = _contexts[keyOf(contextId, owner)];
        seq = c.seq;
        registered = seq != 0;
        anchorHash = c.anchorHash == NO_ANCHOR ? bytes32(0) : c.anchorHash;
        appHash = c.appHash;
    }

    /// The owner is always an admin; others while enabled.
    function isAdmin(bytes32 contextId, address owner, address who) external view returns (bool) {
        return who == owner || _admins[keyOf(contextId, owner)][who];
    }

    /// True once an admin of the context revoked `clientKey`; never false again.
    function isRevoked(bytes32 contextId, address owner, bytes32 clientKey) external view returns (bool) {
        return _adminRevoked[keyOf(contextId, owner)][clientKey];
    }

    /// True once `by`, not an admin at the time, revoked `clientKey` in this context: a
    /// self-claim, which nodes accept only when `by` is the key's own root. Revocations by
    /// admins are in `isRevoked` (and every revocation, with its revoker, in the events).
    function revokedBy(bytes32 contextId, address owner, bytes32 clientKey, address by) external view returns (bool) {
        return _revokedBy[keyOf(contextId, owner)][clientKey][by];
    }

    function domainSeparator() public view returns (bytes32) {
        // Recomputed after a chain split, so signatures for one chain never verify on the other.
        return block.chainid == _cachedChainId ? _cachedDomainSeparator : _buildDomainSeparator();
    }

    // ---------------------------------------------------------------- internals

    function _register(bytes32 contextId, address owner, bytes32 appHash, address[] calldata admins, address by)
        private
    {
        if (by != owner) revert NotOwner(by, owner);
        bytes32 key = keyOf(contextId, owner);
        Context storage c = _contexts[key];
        if (c.seq != 0) revert AlreadyRegistered(contextId, owner);
        c.seq = 1;
        c.anchorHash = NO_ANCHOR;
        c.appHash = appHash;
        for (uint256 i = 0; i < admins.length; ++i) {
            address admin = admins[i];
            if (admin == address(0)) revert ZeroAdmin();
            if (admin != owner) _admins[key][admin] = true;
        }
        emit Registered(key, contextId, owner, 1, appHash, admins, by);
    }

    function _anchor(
        bytes32 contextId,
        address owner,
        uint64 expectedSeq,
        bytes32 govHead,
        bytes32 memberRoot,
        bytes32 stateRoot,
        uint64 epoch,
        address by
    ) private {
        bytes32 key = keyOf(contextId, owner);
        Context storage c = _contexts[key];
        uint64 seq = _bump(c, key, contextId, owner, expectedSeq, by);
        c.anchorHash = keccak256(abi.encode(govHead, memberRoot, stateRoot, epoch));
        emit Anchored(key, contextId, seq, govHead, memberRoot, stateRoot, epoch, by);
    }

    function _setAdmin(bytes32 contextId, address owner, uint64 expectedSeq, address admin, bool enabled, address by)
        private
    {
        if (admin == owner) revert OwnerAlwaysAdmin(owner);
        if (admin == address(0)) revert ZeroAdmin();
        bytes32 key = keyOf(contextId, owner);
        uint64 seq = _bump(_contexts[key], key, contextId, owner, expectedSeq, by);
        _admins[key][admin] = enabled;
        emit AdminSet(key, admin, seq, enabled, by);
    }

    function _setApp(bytes32 contextId, address owner, uint64 expectedSeq, bytes32 appHash, address by) private {
        bytes32 key = keyOf(contextId, owner);
        Context storage c = _contexts[key];
        uint64 seq = _bump(c, key, contextId, owner, expectedSeq, by);
        c.appHash = appHash;
        emit AppSet(key, seq, appHash, by);
    }

    /// Terminal and idempotent: nothing ever unsets a revocation, and a repeat changes nothing
    /// (no event), so replaying a relayed revocation is harmless.
    function _revokeKey(bytes32 contextId, address owner, bytes32 clientKey, address by) private {
        bytes32 key = keyOf(contextId, owner);
        if (_contexts[key].seq == 0) revert NotRegistered(contextId, owner);
        bool asAdmin = by == owner || _admins[key][by];
        // An admin's revocation is stored once for the context, a non-admin's per revoker
        // (one slot either way: the event names who revoked).
        if (asAdmin) {
            if (_adminRevoked[key][clientKey]) return;
            _adminRevoked[key][clientKey] = true;
        } else {
            if (_revokedBy[key][clientKey][by]) return;
            _revokedBy[key][clientKey][by] = true;
        }
        emit KeyRevoked(key, clientKey, by, asAdmin);
    }

    /// Registered, `by` an admin, seq still `expectedSeq` (compare-and-swap); the new seq.
    function _bump(Context storage c, bytes32 key, bytes32 contextId, address owner, uint64 expectedSeq, address by)
        private
        returns (uint64 seq)
    {
        uint64 current = c.seq;
        if (current == 0) revert NotRegistered(contextId, owner);
        // The owner check first: it needs no storage read.
        if (by != owner && !_admins[key][by]) revert NotAdmin(by);
        if (current != expectedSeq) revert StaleSeq(expectedSeq, current);
        unchecked {
            seq = current + 1; // 2^64 mutations are out of reach
        }
        c.seq = seq;
    }

    /// `signer` signed the EIP-712 digest of `structHash` before `deadline`: ecrecover for an
    /// account without code (low s, v 27 or 28), ERC-1271 for a contract account.
    function _checkSignature(address signer, uint256 deadline, bytes32 structHash, bytes calldata signature)
        private
        view
    {
        if (block.timestamp > deadline) revert Expired(deadline, block.timestamp);
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
        if (signer.code.length == 0) {
            if (signature.length != 65) revert BadSignature(signer);
            bytes32 r = bytes32(signature[0:32]);
            bytes32 s = bytes32(signature[32:64]);
            uint8 v = uint8(signature[64]);
            if (uint256(s) > HALF_N || (v != 27 && v != 28)) revert BadSignature(signer);
            address recovered = ecrecover(digest, v, r, s);
            if (recovered == address(0) || recovered != signer) revert BadSignature(signer);
        } else {
            (bool ok, bytes memory answer) =
                signer.staticcall(abi.encodeWithSelector(ERC1271_MAGIC, digest, signature));
            bytes32 word;
            if (answer.length >= 32) {
                assembly {
                    word := mload(add(answer, 32))
                }
            }
            if (!ok || bytes4(word) != ERC1271_MAGIC) revert BadSignature(signer);
        }
    }

    function _buildDomainSeparator() private view returns (bytes32) {
        return keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("TabnodeRegistry"), keccak256("1"), block.chainid, address(this))
        );
    }
}
