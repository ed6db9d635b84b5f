import { bool, bytes, encodeWith, envelope, fixedBytes, list, oneOf, optional, string, struct, taggedUnion, varuint, DecodeError, type Codec, type Infer } from '../codec/index.ts';
import { concatBytes, sealedBoxField, taggedHash, taggedHasher, toHex, verifyEd25519, type SignatureCheck, type Signer } from '../crypto/index.ts';
import { originsField, rootIdField } from '../identity/index.ts';
import { inviteSchema } from '../invitation/invite.ts';
import { ROLES } from './roles.ts';

/** Every bound on an operation, in one place. */
export const OP_LIMITS = {
  /** Whole encoded op, signature included. */
  encodedBytes: 1024 * 1024 + 8192,
  /** One state delta's Yjs update. */
  updateBytes: 1024 * 1024,
  parents: 32,
  nameBytes: 100,
  writerBytes: 32,
  methodBytes: 64,
  callInputBytes: 64 * 1024,
  eventBytes: 64 * 1024,
  events: 64,
  /** Recipients of one epoch key in a `rotate-epoch` or `grant-epoch` (devices and open invites). */
  boxes: 2000,
  /** One HPKE box of a 32-byte epoch key: the key plus the AEAD tag, with room to spare. */
  boxSealedBytes: 64,
  /** Keys a rotation carries forward in `previous` (the one it replaces and concurrent losers). */
  previousKeys: 64,
} as const;

const id32 = fixedBytes(32);

/** Parents in strictly ascending byte order: one canonical form, no duplicates. */
const parentsField: Codec<Uint8Array[]> = {
  encode(w, v) {
    list(id32, OP_LIMITS.parents).encode(w, sortIds(v));
  },
  decode(r) {
    const at = r.pos;
    const ids = list(id32, OP_LIMITS.parents).decode(r);
    for (let i = 1; i < ids.length; i++) {
      if (compareIds(ids[i - 1]!, ids[i]!) >= 0) throw new DecodeError('non-canonical', 'parents must be sorted and unique', at);
    }
    return ids;
  },
};

/** What a genesis binds a context to: the chain, its registry contract, the owner's address. */
export const anchorField = struct({ chainId: varuint, registry: fixedBytes(20), owner: fixedBytes(20) });

/** Where a `KeyRevoked` event is on chain, and what it said (checked against the chain). */
export const chainEvidenceField = struct({
  txHash: id32,
  logIndex: varuint,
  blockNumber: varuint,
  /** Block timestamp, seconds. */
  blockTime: varuint,
  /** The address that revoked. */
  by: fixedBytes(20),
  /** `by` revoked as an admin of the context on chain; otherwise as the key's own root. */
  asAdmin: bool,
});

export type ChainEvidence = Infer<typeof chainEvidenceField>;

/** A device's or an invite's X25519 public key: what epoch keys are sealed to. */
const boxKeyField = fixedBytes(32);

/**
 * An epoch key sealed to a box key: HPKE base mode, X25519 (`enc` is the sender's ephemeral
 * public key), ChaCha20-Poly1305 (docs/decisions/epoch-keys.md).
 */
const epochBoxField = sealedBoxField(OP_LIMITS.boxSealedBytes);

/** One recipient of an epoch key: its box key and the key sealed to it. */
const recipientField = struct({ to: boxKeyField, box: epochBoxField });
export type EpochRecipient = Infer<typeof recipientField>;

/** Bytes encrypted under an epoch key (XChaCha20-Poly1305, a random 24-byte nonce). */
const underKeyField = (max: number) => struct({ nonce: fixedBytes(24), sealed: bytes(max) });

/** A state delta's body: in clear as a `delta`, or the plaintext of a `sealed-delta`. */
export const deltaBodyField = struct({
  writer: string(OP_LIMITS.writerBytes),
  update: bytes(OP_LIMITS.updateBytes),
  call: optional(struct({ method: string(OP_LIMITS.methodBytes), input: bytes(OP_LIMITS.callInputBytes) })),
  events: list(struct({ name: string(OP_LIMITS.methodBytes), hashed: bool, payload: bytes(OP_LIMITS.eventBytes) }), OP_LIMITS.events),
});
export type DeltaBody = Infer<typeof deltaBodyField>;

const embeddedDelegation = struct({ delegation: bytes(2048), boxKey: optional(boxKeyField) });

const bodySchema = taggedUnion({
  /** Creates the context; its id becomes the context id. The author's root is the first owner. */
  genesis: struct({
    name: string(OP_LIMITS.nameBytes),
    appId: id32,
    /** Every app call records its method and input so members can re-run and check it. */
    verifiable: bool,
    nonce: fixedBytes(16),
    delegation: bytes(2048),
    /** Sites members may sign in from with a wallet (docs/decisions/allowed-origins.md). */
    origins: originsField,
    /**
     * The registry on an EVM chain the context is anchored to, keyed by the owner's address
     * (docs/governance.md, Anchoring). A field added pre-release: older genesis ops no longer decode.
     */
    anchor: optional(anchorField),
    /** The creator device's box key (absent: a device that holds no epoch keys). */
    boxKey: optional(boxKeyField),
    /**
     * Epoch 0's key sealed to `boxKey`. Present: the context is encrypted, every state delta
     * is a `sealed-delta` (a clear `delta` is refused, `must-encrypt`). Absent: a plaintext
     * context (tests and tools that need no confidentiality).
     */
    epochBox: optional(epochBoxField),
    /**
     * `epochKeyCommit` of epoch 0's key: present exactly when `epochBox` is (checkIntrinsic).
     * A key learnt for this op from a box, a chain or the store is held only if it matches.
     */
    keyCommit: optional(id32),
  }),
  /** A member's new device (client key) starts acting in the context; `boxKey` is the device's (kept across key rotations). */
  'add-device': embeddedDelegation,
  /** Someone with an invite becomes a member with the invite's role. */
  join: struct({ invite: inviteSchema, delegation: bytes(2048), boxKey: optional(boxKeyField) }),
  'set-role': struct({ member: rootIdField, role: oneOf(ROLES) }),
  remove: struct({ member: rootIdField }),
  leave: struct({}),
  /** A root-signed revocation of one client key, posted by any member. */
  'revoke-key': struct({ revocation: bytes(1024) }),
  'revoke-invite': struct({ invite: id32 }),
  /**
   * A client key revocation made on chain (a `KeyRevoked` event of the context's registry),
   * imported by any member whose node saw it. Every node checks the evidence on the chain.
   */
  'anchored-revoke-key': struct({ clientKey: id32, evidence: chainEvidenceField }),
  /**
   * A change to the shared state: a Yjs update produced by a writer (built-in or app). With
   * `call` recorded, any member can re-run the method at the op's parents and check the
   * update (verifiable execution). Events travel whole, or as the SHA-256 of the payload.
   */
  delta: deltaBodyField,
  /** An owner changes the sites members may sign in from with a wallet. */
  'set-origins': struct({ add: originsField, remove: originsField }),
  /**
   * An admin switches the context's app (the SHA-256 of its WASM, or the built-in one's id).
   * Last in the union: its tag is new, older ops keep theirs.
   */
  'set-app': struct({ appId: id32 }),
  /**
   * A new epoch key (docs/decisions/epoch-keys.md), sealed to each recipient; `previous` holds
   * the keys it replaces (the winning one at its parents first, then concurrent losers the
   * author held), encrypted under the new key: whoever holds the newest key holds the older.
   * `keyCommit` commits to the new key (docs/decisions/epoch-keys.md).
   */
  'rotate-epoch': struct({
    epoch: varuint,
    /** `epochKeyCommit` of the new key: a key learnt for this op is held only if it matches. */
    keyCommit: id32,
    boxes: list(recipientField, OP_LIMITS.boxes),
    previous: underKeyField(OP_LIMITS.previousKeys * 64 + 64),
  }),
  /**
   * An existing epoch key (named by the op that made it) sealed to recipients that lack it: a
   * new device, or an invite's box key. Then `invite` is the signed invite itself, so every
   * peer checks that its inviter may make it, that the one box goes to the box key the
   * inviter signed, and until when the invite is entitled (its expiry and uses, as signed).
   */
  'grant-epoch': struct({ keyOp: id32, boxes: list(recipientField, OP_LIMITS.boxes), invite: optional(inviteSchema) }),
  /**
   * A state delta encrypted under the epoch key `keyOp` made: the plaintext is the encoding
   * of a `delta` body (`deltaBodyField`), additional data "tabnode/delta/v1" ‖ context ‖ keyOp.
   */
  'sealed-delta': struct({ keyOp: id32, nonce: fixedBytes(24), sealed: bytes(OP_LIMITS.encodedBytes) }),
});

export type OpBody = Infer<typeof bodySchema>;
export type OpKind = OpBody['kind'];

const unsignedSchema = struct({
  /** The context id (genesis op id); all zeros in the genesis op itself. */
  context: id32,
  parents: parentsField,
  /** The client key that signs. */
  author: fixedBytes(32),
  /** Milliseconds since the epoch, as the author claims: checked against delegation and invite windows. */
  time: varuint,
  body: bodySchema,
});

export type UnsignedOp = Infer<typeof unsignedSchema>;

/** An operation as it travels and is stored. `id` is derived, not sent. */
export interface Op extends UnsignedOp {
  id: Uint8Array;
  signature: Uint8Array;
}

const signedSchema = struct({ op: unsignedSchema, signature: fixedBytes(64) });
const opEnvelope = envelope(0x20, 1, OP_LIMITS.encodedBytes, signedSchema);

export const GENESIS_CONTEXT = new Uint8Array(32);

const hashOp = taggedHasher('tabnode/op/v1');

export function opId(unsigned: UnsignedOp): Uint8Array {
  return hashOp(encodeWith(unsignedSchema, unsigned));
}

/**
 * The bytes of ops signed here, made from the unsigned bytes the id was hashed from: a new op
 * is sent as soon as it is signed, and encoding it again cost a write a fifth of a millisecond.
 */
const signedBytes = new WeakMap<Op, Uint8Array>();

/** Sign an op: the signature covers its id (the hash of the canonical unsigned bytes). */
export async function signOp(author: Signer, unsigned: Omit<UnsignedOp, 'author'>): Promise<Op> {
  const full: UnsignedOp = { ...unsigned, parents: sortIds(unsigned.parents), author: author.publicKey };
  const body = encodeWith(unsignedSchema, full);
  const id = hashOp(body);
  const signature = await author.sign(signingBytes(id));
  const op: Op = { ...full, id, signature };
  const bytes = concatBytes(Uint8Array.of(opEnvelope.tag, opEnvelope.version), body, signature);
  if (bytes.length <= opEnvelope.maxBytes) signedBytes.set(op, bytes);
  return op;
}

function signingBytes(id: Uint8Array): Uint8Array {
  return taggedHash('tabnode/op-signature/v1', id);
}

/** The signature check of an op, for a batch verifier: what `verifyOpSignature` checks. */
export function opSignatureCheck(op: Op): SignatureCheck {
  return { publicKey: op.author, message: signingBytes(op.id), signature: op.signature };
}

export function verifyOpSignature(op: Op): Promise<boolean> {
  return verifyEd25519(op.author, signingBytes(op.id), op.signature);
}

export function encodeOp(op: Op): Uint8Array {
  const signed = signedBytes.get(op);
  if (signed) return signed;
  const { id: _id, signature, ...unsigned } = op;
  return opEnvelope.encode({ op: unsigned, signature });
}

/**
 * Decode untrusted bytes into an op (id computed here); throws DecodeError. Signature not
 * yet checked. The id hashes the unsigned bytes as they arrived: the codec is canonical, so
 * they are exactly what re-encoding would give, without the cost of re-encoding.
 */
export function decodeOp(input: Uint8Array): Op {
  // Byte fields are views into the op's own bytes, which whoever holds the op keeps anyway:
  // one buffer per op rather than one per field (heap of a large history). Input that is a
  // view into a larger buffer (a message) is copied first, so an op never keeps that alive.
  const own = ownBytes(input);
  const { op, signature } = opEnvelope.decode(own, { alias: true });
  return { ...op, id: hashOp(own.subarray(2, own.length - 64)), signature };
}

/**
 * `bytes` if it is all of its buffer, else a copy that is. Ops hold views into their bytes
 * (decodeOp), so what is kept beside an op is this, not a view into a larger buffer.
 */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

export function compareIds(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

export function sortIds(ids: Uint8Array[]): Uint8Array[] {
  const out = [...ids].sort(compareIds);
  return out.filter((id, i) => i === 0 || compareIds(out[i - 1]!, id) !== 0);
}

/** Ids as map keys: hex is unambiguous and readable in logs. */
export const idKey: (id: Uint8Array) => string = toHex;

