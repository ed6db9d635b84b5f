import { bytes, envelope, fixedBytes, list, string, struct, taggedUnion, varuint, bool, type Codec, type Infer } from '../codec/index.ts';
import { BOX_LIMITS, sealedBoxField } from '../crypto/index.ts';
import { DELEGATION_LIMITS } from '../identity/index.ts';
import { INVITE_LIMITS } from '../invitation/invite.ts';

/** Bounds of the directory protocol. A message over them is a protocol error: the link closes. */
export const DIRECTORY_LIMITS = {
  /** Directory rooms one node joins at most: its own root's, then co-members' roots. */
  rooms: 64,
  /** Contexts in one answer; a root in more than this gets the most recently active ones. */
  entriesPerAnswer: 256,
  /** Same bounds as an invite's, since an entry carries what an invite carries. */
  nameBytes: INVITE_LIMITS.nameBytes,
  signalingUrls: INVITE_LIMITS.signalingUrls,
  urlBytes: INVITE_LIMITS.urlBytes,
  /** Asks one link may carry (retransmissions included); past this the link closes. */
  asksPerLink: 16,
  /** Answers (the first, then updates) one link may carry to an asker; past this it closes. */
  answersPerLink: 256,
  reasonBytes: 200,
} as const;

const id32 = fixedBytes(32);

const entrySchema = struct({
  /** The context id (its genesis op id): self-certifying, checked when the history arrives. */
  context: id32,
  name: string(DIRECTORY_LIMITS.nameBytes),
  /** The rendezvous secret: derives the context's room and its password. */
  secret: id32,
  signaling: list(string(DIRECTORY_LIMITS.urlBytes), DIRECTORY_LIMITS.signalingUrls),
});

export type DirectoryEntry = Infer<typeof entrySchema>;

/** Largest encoded entry: id, name, secret and eight longest URLs, each with its length prefix. */
const ENTRY_MAX_BYTES = 32 + (2 + DIRECTORY_LIMITS.nameBytes) + 32 + 1 + DIRECTORY_LIMITS.signalingUrls * (2 + DIRECTORY_LIMITS.urlBytes);

/** The plaintext of an answer (sealed before it leaves): tag 0x61, version 1. */
export const entriesCodec = envelope<DirectoryEntry[]>(
  0x61,
  1,
  2 + 3 + DIRECTORY_LIMITS.entriesPerAnswer * ENTRY_MAX_BYTES,
  list(entrySchema, DIRECTORY_LIMITS.entriesPerAnswer) as Codec<DirectoryEntry[]>,
);

/** A sealed answer (HPKE, src/core/crypto/hpke.ts): the plaintext's length plus the 16-byte tag. */
export const SEALED_MAX_BYTES = entriesCodec.maxBytes + BOX_LIMITS.tagBytes;

const messageSchema = taggedUnion({
  /**
   * A fresh nonce for this link. `gotYours`: I have your hello — so a peer answers a hello
   * only while the other still lacks its own, and retransmissions never ping-pong.
   */
  hello: struct({ protocol: varuint, room: id32, nonce: id32, gotYours: bool }),
  /**
   * "I am a device of this room's root: which contexts of it do you hold?" — proof of `key`
   * over both nonces and `boxKey` (the ephemeral key the answer is sealed to), and the
   * delegation of `key` by the root.
   */
  ask: struct({ key: id32, delegation: bytes(DELEGATION_LIMITS.encodedBytes), boxKey: id32, signature: fixedBytes(64) }),
  /** The answer (or a later update of it), sealed to the asker's `boxKey`: HPKE's `enc` (32 bytes), then the ciphertext. */
  entries: struct({ box: sealedBoxField(SEALED_MAX_BYTES) }),
  /** "I will not answer you": the ask did not prove a device of this room's root. */
  refused: struct({ reason: string(DIRECTORY_LIMITS.reasonBytes) }),
  bye: struct({ reason: string(DIRECTORY_LIMITS.reasonBytes) }),
});

export type DirectoryMessage = Infer<typeof messageSchema>;

/** 2: answers sealed with HPKE to an X25519 box key (1 sealed to an edwards25519 key: the two cannot open each other's). */
export const DIRECTORY_PROTOCOL_VERSION = 2;

/**
 * The largest message is an answer: tag and version (2), kind (1), enc (32), the sealed
 * bytes' length prefix (3: a varuint under 2^21) and the sealed bytes.
 */
export const MESSAGE_MAX_BYTES = 2 + 1 + BOX_LIMITS.encBytes + 3 + SEALED_MAX_BYTES;

/** Tag 0x60, version 1 (the layout is unchanged; the hello's protocol says how answers are sealed). The whole message stays well under a Link's 4 MiB. */
export const directoryCodec = envelope<DirectoryMessage>(0x60, 1, MESSAGE_MAX_BYTES, messageSchema as Codec<DirectoryMessage>);
