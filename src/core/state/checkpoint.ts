import { DecodeError, EncodeError, encodeWith, envelope, fixedBytes, list, optional, struct, varuint, type Codec, type Infer } from '../codec/index.ts';
import { bytesEqual, concatBytes, verifyEd25519, type Signer } from '../crypto/index.ts';
import { compareIds, sortIds } from '../ops/op.ts';

export const CHECKPOINT_LIMITS = {
  /** Heads a checkpoint may name; with more, merge them with an op first. */
  heads: 64,
  encodedBytes: 4096,
} as const;

const id32 = fixedBytes(32);

/** Heads in strictly ascending byte order: one encoding per set. */
const headsField: Codec<Uint8Array[]> = {
  encode(w, v) {
    list(id32, CHECKPOINT_LIMITS.heads).encode(w, sortIds(v));
  },
  decode(r) {
    const at = r.pos;
    const ids = list(id32, CHECKPOINT_LIMITS.heads).decode(r);
    for (let i = 1; i < ids.length; i++) {
      if (compareIds(ids[i - 1]!, ids[i]!) >= 0) throw new DecodeError('non-canonical', 'heads must be sorted and unique', at);
    }
    return ids;
  },
};

const claimsSchema = struct({
  context: id32,
  heads: headsField,
  governanceRoot: id32,
  stateRoot: id32,
  /** Ops in the causal past of the heads, heads included. */
  opCount: varuint,
  /** Milliseconds since the epoch, as the author claims (advisory). */
  time: varuint,
  /** The client key that signs. */
  author: id32,
  /**
   * The latest anchor of the context this node has confirmed on chain (none: not anchored,
   * or no RPC): peers with another record under the same seq read different chains.
   */
  anchor: optional(struct({ seq: varuint, recordHash: id32, blockNumber: varuint, txHash: id32 })),
});

/** What a node states: "with exactly these heads, my governance and state roots are these". */
export type CheckpointClaims = Infer<typeof claimsSchema>;

export interface Checkpoint extends CheckpointClaims {
  signature: Uint8Array;
}

const codec = envelope(0x40, 1, CHECKPOINT_LIMITS.encodedBytes, struct({ claims: claimsSchema, signature: fixedBytes(64) }));

export function encodeCheckpoint(cp: Checkpoint): Uint8Array {
  const { signature, ...claims } = cp;
  return codec.encode({ claims, signature });
}

/** Decode untrusted bytes (tag 0x40, version 1); throws DecodeError. The signature is not checked here. */
export function decodeCheckpoint(input: Uint8Array): Checkpoint {
  const { claims, signature } = codec.decode(input);
  return { ...claims, signature };
}

/** A checkpoint that cannot be made as asked. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

const DOMAIN = new TextEncoder().encode('tabnode/checkpoint/v1\0');

/** The bytes an author signs: a domain tag, then the canonical claims. */
export function checkpointSigningBytes(claims: CheckpointClaims): Uint8Array {
  return concatBytes(DOMAIN, encodeWith(claimsSchema, claims));
}

/** Sign a checkpoint with a client key (the author is the signer's key). Heads are sorted here. */
export async function signCheckpoint(signer: Signer, claims: Omit<CheckpointClaims, 'author'>): Promise<Checkpoint> {
  const heads = sortIds(claims.heads);
  if (heads.length > CHECKPOINT_LIMITS.heads) {
    throw new CheckpointError(
      `${heads.length} heads are more than the ${CHECKPOINT_LIMITS.heads} a checkpoint names; publish an op whose parents merge them, then checkpoint`,
    );
  }
  const full: CheckpointClaims = { ...claims, heads, author: signer.publicKey };
  let message;
  try {
    message = checkpointSigningBytes(full);
  } catch (e) {
    throw new CheckpointError(`checkpoint claims are malformed: ${(e as Error).message}`);
  }
  return { ...full, signature: await signer.sign(message) };
}

/**
 * Whether the checkpoint was signed by its author key. Never throws. Whether that key may
 * speak for the context (a registered, unrevoked member key) is the caller's question.
 */
export async function verifyCheckpoint(cp: Checkpoint): Promise<boolean> {
  const { signature, ...claims } = cp;
  let message;
  try {
    message = checkpointSigningBytes(claims);
    // Unsorted or duplicate heads sign as their sorted set: refuse them rather than guess.
    if (!sameIds(claims.heads, sortIds(claims.heads))) return false;
  } catch (e) {
    if (e instanceof EncodeError || e instanceof TypeError) return false;
    throw e;
  }
  return verifyEd25519(claims.author, message, signature);
}

export interface CheckpointView {
  heads: Uint8Array[];
  governanceRoot: Uint8Array;
  stateRoot: Uint8Array;
}

/**
 * - 'agree': same heads, same roots.
 * - 'different-heads': not comparable yet (one side has ops the other lacks); sync first.
 * - 'diverged': same heads but different roots: two peers with the same history disagree
 *   on its meaning. Raise an alert.
 */
export type CheckpointComparison = 'agree' | 'different-heads' | 'diverged';

export function compareCheckpoint(local: CheckpointView, remote: CheckpointView): CheckpointComparison {
  if (!sameIds(sortIds(local.heads), sortIds(remote.heads))) return 'different-heads';
  const same = bytesEqual(local.governanceRoot, remote.governanceRoot) && bytesEqual(local.stateRoot, remote.stateRoot);
  return same ? 'agree' : 'diverged';
}

function sameIds(a: Uint8Array[], b: Uint8Array[]): boolean {
  return a.length === b.length && a.every((id, i) => bytesEqual(id, b[i]!));
}
