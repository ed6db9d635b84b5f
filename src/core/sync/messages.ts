import { bytes, envelope, fixedBytes, list, oneOf, string, struct, taggedUnion, varuint, type Codec, type Infer } from '../codec/index.ts';
import { inviteSchema } from '../invitation/invite.ts';
import { OP_LIMITS } from '../ops/op.ts';

/** Bounds of the sync protocol. A message over them is a protocol error: the link closes. */
export const SYNC_LIMITS = {
  /** Whole message: under the Link's 4 MiB. */
  messageBytes: 4 * 1024 * 1024 - 1024,
  heads: 256,
  sample: 64,
  wantIds: 1024,
  /** Ops per `ops` message; the byte bound usually binds first. */
  opsPerMessage: 2048,
  /** New ops gossiped as they are; more than this at once are announced by heads instead. */
  gossipPushOps: 64,
  /** Largest application binary carried (one message). */
  appBytes: 2 * 1024 * 1024,
  /** Bytes of ops packed into one `ops` message before a new one starts. */
  opsBatchBytes: 1024 * 1024,
  /** An `ops` message this large (ops or bytes) is part of an answer: its receiver asks for the next part as it checks it. */
  partOps: 256,
  partBytes: 64 * 1024,
} as const;

const id32 = fixedBytes(32);

/** Why a peer is refused ops, as a machine code (the reason is for people). */
export const REFUSAL_CODES = ['not-a-member', 'revoked-key', 'bad-invite', 'bad-origin', 'other'] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

const credentialSchema = taggedUnion({
  /** "My root is a member": checked against the receiver's governance. */
  member: struct({}),
  /** "I hold an invite": lets a joiner fetch the history it must build its join op on. */
  invite: struct({ invite: inviteSchema }),
});

const messageSchema = taggedUnion({
  /** `time`: the sender's clock (ms), so both sides can tell when clocks disagree past the tolerance. */
  hello: struct({ protocol: varuint, context: id32, nonce: fixedBytes(32), time: varuint }),
  /** Proof of possession of `key` over both nonces, its delegation, and a credential. */
  auth: struct({ key: fixedBytes(32), delegation: bytes(2048), credential: credentialSchema, signature: fixedBytes(64) }),
  /** What I have: my heads, a sample of older ids (for finding the common past), my op count. */
  heads: struct({ heads: list(id32, SYNC_LIMITS.heads), sample: list(id32, SYNC_LIMITS.sample), count: varuint }),
  want: struct({ ids: list(id32, SYNC_LIMITS.wantIds) }),
  ops: struct({ ops: list(bytes(OP_LIMITS.encodedBytes), SYNC_LIMITS.opsPerMessage) }),
  checkpoint: struct({ checkpoint: bytes(8192) }),
  /** Ask for an application binary by its SHA-256. */
  'app-want': struct({ hash: id32 }),
  /** An application binary; the receiver checks it hashes to what it asked for. */
  app: struct({ bytes: bytes(SYNC_LIMITS.appBytes) }),
  /** "You may not have ops (yet)": the link stays, admission is judged again on changes. */
  refused: struct({ code: oneOf(REFUSAL_CODES), reason: string(200) }),
  bye: struct({ reason: string(200) }),
});

export type SyncMessage = Infer<typeof messageSchema>;
export type Credential = Infer<typeof credentialSchema>;

/** 2: hello carries the sender's clock, refusals a code. */
export const PROTOCOL_VERSION = 2;

/** Tag 0x50, version 1. */
export const syncCodec = envelope<SyncMessage>(0x50, 1, SYNC_LIMITS.messageBytes, messageSchema as Codec<SyncMessage>);
