import { bytesEqual, concatBytes, importBoxKeyPair, openSealedBox, sealToBoxKey, sha256, taggedHash, toHex, type BoxKeyPair, type SealedBox, type Signer } from '../crypto/index.ts';
import type { DelegationClaims, ProofOptions, RootId } from '../identity/index.ts';
import type { Link } from '../mesh/Link.ts';
import type { Scheduler } from '../mesh/Scheduler.ts';
import { authenticatePeer, signHandshake } from '../sync/handshake.ts';
import { clampUtf8 } from '../codec/index.ts';
import { contextsFor, type Holding } from './answer.ts';
import { DIRECTORY_LIMITS, DIRECTORY_PROTOCOL_VERSION, directoryCodec, entriesCodec, type DirectoryEntry, type DirectoryMessage } from './messages.ts';
import type { DirectoryRoom } from './room.ts';
import { serialQueue } from '../tasks/serialQueue.ts';

const ANSWER_LABEL = new TextEncoder().encode('tabnode/directory/answer/v1');

/**
 * The HPKE `info` of an answer: it names this protocol and binds the answer to its room, so an
 * answer sealed for one room does not open in another (see README: why sealed).
 */
export function answerInfo(roomId: Uint8Array): Uint8Array {
  return concatBytes(ANSWER_LABEL, roomId);
}

export const DIRECTORY_TIMINGS = {
  /** Hello and ask are sent again this often until the exchange completes (lossy links). */
  retryMs: 1500,
  /** After this many retries an unfinished exchange stops retrying (the link stays). */
  maxRetries: 20,
} as const;

/** Who this node is: the root it acts for, its client key, and that key's delegation. */
export interface DirectoryIdentity {
  root: RootId;
  signer: Signer;
  delegation: Uint8Array;
}

export interface DirectoryLinkDeps {
  link: Link;
  room: DirectoryRoom;
  identity: DirectoryIdentity;
  /** The contexts this node holds, read whenever it answers. */
  holdings(): readonly Holding[];
  /** An answer arrived for my ask. Errors thrown here are contained (the link stays). */
  onEntries(entries: DirectoryEntry[]): void | Promise<void>;
  scheduler: Scheduler;
  /** Wall-clock ms, for delegation expiry. */
  now(): number;
  randomBytes(length: number): Uint8Array;
  retryMs?: number;
  maxRetries?: number;
  onChange?(): void;
  /** How contract-account proofs are checked (an RPC), if at all. */
  proofs?: ProofOptions;
}

export interface DirectoryPeerInfo {
  linkId: string;
  /** handshaking: no nonce from the peer yet. ready: nonces exchanged. closed: gone. */
  state: 'handshaking' | 'ready' | 'closed';
  /** This node asks on this link (it is a device of the room's root). */
  asking: boolean;
  /** An answer to my ask arrived (it may have been empty). */
  answered: boolean;
  entriesReceived: number;
  /** The peer would not answer me, and why. */
  refusedBy?: string;
  /** The peer proved it is a device of this room's root, and asked. */
  askedBy?: { root: RootId; key: string; label: string };
  /** I would not answer the peer, and why. */
  refused?: string;
  answersSent: number;
  closeReason?: string;
}

export interface DirectorySession {
  readonly linkId: string;
  info(): DirectoryPeerInfo;
  /** My holdings changed: send a peer that asked its entries again, if they changed for it. */
  update(): void;
  close(reason: string): void;
}

/**
 * The value the asker's handshake signature is bound to: the room (so a transcript cannot be
 * replayed into a context or another room) and the key the answer is sealed to (so nobody in
 * the middle can swap in their own).
 */
export function askContext(roomId: Uint8Array, boxKey: Uint8Array): Uint8Array {
  return taggedHash('tabnode/directory/ask/v1', concatBytes(roomId, boxKey));
}

/**
 * The directory protocol on one link of a directory room. Both sides say hello with a fresh
 * nonce. A device of the room's root asks, proving its key over both nonces with its
 * delegation; the other side checks that at its own time and answers with the contexts
 * where the root is a member and that key is not revoked, sealed to the asker, and again
 * whenever they change. Either side may ask and answer on the same link. A malformed or
 * oversized message closes the link with a reason; nothing here throws into the link.
 */
export function directoryLink(d: DirectoryLinkDeps): DirectorySession {
  const { link, room } = d;
  const asking = d.identity.root === room.root;
  const retryMs = d.retryMs ?? DIRECTORY_TIMINGS.retryMs;
  const maxRetries = d.maxRetries ?? DIRECTORY_TIMINGS.maxRetries;
  const myNonce = d.randomBytes(32);
  // The asker's one-time box key: the answer is sealed to it. Imported non-extractable.
  const box: Promise<BoxKeyPair> | undefined = asking ? importBoxKeyPair(d.randomBytes(32)) : undefined;
  // A platform without X25519 fails the ask (which closes the link), not as an unhandled rejection.
  box?.catch(() => undefined);
  const info: DirectoryPeerInfo = { linkId: link.id, state: 'handshaking', asking, answered: false, entriesReceived: 0, answersSent: 0 };
  let theirNonce: Uint8Array | undefined;
  let theyHaveMine = false;
  let myAsk: Promise<DirectoryMessage> | undefined;
  let peer: { claims: DelegationClaims; origin?: string; boxKey: Uint8Array; signature: Uint8Array } | undefined;
  let asksSeen = 0;
  let answersSeen = 0;
  let lastSent: string | undefined;
  // A retransmitted ask gets the answer again; the same entries are handed on only once.
  let lastReceived: string | undefined;
  // Answers are sealed one after another, so they leave in the order their holdings were read.
  const answering = serialQueue();
  let retries = 0;

  const changed = () => d.onChange?.();

  function send(m: DirectoryMessage): void {
    if (link.closed) return;
    let bytes: Uint8Array;
    try {
      bytes = directoryCodec.encode(m);
    } catch (e) {
      close(`internal error: could not encode ${m.kind}: ${(e as Error).message}`);
      return;
    }
    link.send(bytes).catch(() => undefined);
  }

  function close(reason: string): void {
    if (info.state === 'closed') return;
    send({ kind: 'bye', reason: clip(reason) });
    info.state = 'closed';
    info.closeReason = reason;
    link.close(reason);
    changed();
  }

  function sendHello(): void {
    send({ kind: 'hello', protocol: DIRECTORY_PROTOCOL_VERSION, room: room.id, nonce: myNonce, gotYours: theirNonce !== undefined });
  }

  async function sendAsk(): Promise<void> {
    if (!box || !theirNonce || info.answered || info.refusedBy !== undefined) return;
    const nonce = theirNonce;
    myAsk ??= box.then(async ({ publicKey }) => ({
      kind: 'ask' as const,
      key: d.identity.signer.publicKey,
      delegation: d.identity.delegation,
      boxKey: publicKey,
      signature: await signHandshake(d.identity.signer, askContext(room.id, publicKey), myNonce, nonce),
    }));
    send(await myAsk);
  }

  /** Seal the peer's entries to it, unless they are what it already has (`force`: it asked again). */
  function sendEntries(force: boolean): Promise<void> {
    return answering(() => sealEntries(force)).catch((e: unknown) => close(`internal error: could not answer: ${(e as Error).message}`));
  }

  async function sealEntries(force: boolean): Promise<void> {
    if (!peer || link.closed) return;
    // Its delegation was checked when it asked; updates stop once it has run out.
    if (peer.claims.expiresAt <= d.now()) return;
    const plaintext = entriesCodec.encode(contextsFor(room.root, peer.claims.clientKey, d.holdings(), peer.origin));
    const fingerprint = toHex(sha256(plaintext));
    if (!force && fingerprint === lastSent) return;
    lastSent = fingerprint;
    let sealed: SealedBox;
    try {
      sealed = await sealToBoxKey(peer.boxKey, plaintext, answerInfo(room.id));
    } catch (e) {
      // The asker signed this key: if it cannot be sealed to (a low-order point), the asker is at fault.
      return close(`protocol error: the ask’s box key cannot be sealed to: ${(e as Error).message}`);
    }
    send({ kind: 'entries', box: sealed });
    info.answersSent++;
    changed();
  }

  async function onAsk(m: Extract<DirectoryMessage, { kind: 'ask' }>): Promise<void> {
    if (++asksSeen > DIRECTORY_LIMITS.asksPerLink) return close(`protocol error: more than ${DIRECTORY_LIMITS.asksPerLink} asks on one link`);
    if (!theirNonce) return; // it overtook the hello; the peer asks again
    if (peer) {
      // A retransmission (the answer may have been lost) gets the answer again.
      if (!bytesEqual(m.signature, peer.signature)) return close('protocol error: a second, different ask');
      return sendEntries(true);
    }
    if (info.refused !== undefined) return;
    const verdict = await authenticatePeer({
      context: askContext(room.id, m.boxKey),
      key: m.key,
      delegation: m.delegation,
      signature: m.signature,
      theirNonce,
      myNonce,
      now: d.now(),
      ...(d.proofs ? { proofs: d.proofs } : {}),
    });
    if (!verdict.ok) {
      send({ kind: 'refused', reason: clip(verdict.message) });
      return close(`not allowed: ${verdict.message}`);
    }
    const claims = verdict.claims!;
    theyHaveMine = true;
    if (claims.root !== room.root) {
      // An honest node of another root never asks here; the link may still serve it answers.
      info.refused = `${claims.root} is not the root of this directory room`;
      send({ kind: 'refused', reason: clip(info.refused) });
      changed();
      return;
    }
    peer = { claims, ...(verdict.origin === undefined ? {} : { origin: verdict.origin }), boxKey: m.boxKey, signature: m.signature };
    info.askedBy = { root: claims.root, key: toHex(claims.clientKey), label: claims.label };
    await sendEntries(true);
  }

  async function onAnswer(m: Extract<DirectoryMessage, { kind: 'entries' }>): Promise<void> {
    // Only an answer to an ask I made can be opened; anything else is not for me.
    if (!box || !myAsk) return;
    if (++answersSeen > DIRECTORY_LIMITS.answersPerLink) return close(`protocol error: more than ${DIRECTORY_LIMITS.answersPerLink} answers on one link`);
    let entries: DirectoryEntry[];
    let fingerprint: string;
    try {
      const plaintext = await openSealedBox(await box, m.box, answerInfo(room.id));
      entries = entriesCodec.decode(plaintext);
      fingerprint = toHex(sha256(plaintext));
    } catch (e) {
      return close(`protocol error: the answer is unusable: ${(e as Error).message}`);
    }
    info.answered = true;
    if (fingerprint === lastReceived) return changed();
    lastReceived = fingerprint;
    info.entriesReceived += entries.length;
    changed();
    try {
      await d.onEntries(entries);
    } catch {
      // The receiver's trouble, not the link's.
    }
  }

  async function onMessage(bytes: Uint8Array): Promise<void> {
    if (info.state === 'closed') return;
    let m: DirectoryMessage;
    try {
      m = directoryCodec.decode(bytes);
    } catch (e) {
      return close(`protocol error: ${(e as Error).message}`);
    }
    switch (m.kind) {
      case 'hello': {
        if (m.protocol !== DIRECTORY_PROTOCOL_VERSION) return close(`unsupported directory protocol version ${m.protocol}`);
        if (!bytesEqual(m.room, room.id)) return close('this link is for another directory room');
        if (theirNonce && !bytesEqual(theirNonce, m.nonce)) return close('protocol error: a second hello with another nonce');
        const first = theirNonce === undefined;
        theirNonce = m.nonce;
        if (m.gotYours) theyHaveMine = true;
        else sendHello(); // it lacks mine
        if (first) {
          info.state = 'ready';
          changed();
          await sendAsk();
        }
        return;
      }
      case 'ask':
        return onAsk(m);
      case 'entries':
        return onAnswer(m);
      case 'refused':
        info.refusedBy = m.reason;
        changed();
        return;
      case 'bye':
        info.state = 'closed';
        info.closeReason = `peer left: ${m.reason}`;
        link.close(m.reason);
        changed();
        return;
    }
  }

  function retry(): void {
    if (info.state === 'closed' || retries++ >= maxRetries) return;
    const handshaking = !theirNonce || !theyHaveMine;
    const waiting = asking && !info.answered && info.refusedBy === undefined;
    if (handshaking) sendHello();
    if (waiting) sendAsk().catch((e: unknown) => close(`internal error: could not sign the ask: ${String(e)}`));
    if (handshaking || waiting) d.scheduler.schedule(retryMs, retry);
  }

  // Messages of one link are handled one after another, in order.
  const inOrder = serialQueue();
  link.onMessage((bytes) => {
    void inOrder(() => onMessage(bytes)).catch((e: unknown) => close(`internal error: ${String(e)}`));
  });
  link.onClose((reason) => {
    if (info.state !== 'closed') {
      info.state = 'closed';
      info.closeReason = reason;
      changed();
    }
  });
  sendHello();
  d.scheduler.schedule(retryMs, retry);

  return {
    linkId: link.id,
    info: () => ({ ...info, ...(info.askedBy ? { askedBy: { ...info.askedBy } } : {}) }),
    update() {
      void sendEntries(false);
    },
    close,
  };
}

function clip(reason: string): string {
  return clampUtf8(reason, DIRECTORY_LIMITS.reasonBytes);
}
