/** Largest message a Link carries unless an implementation is told otherwise: 4 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * A point-to-point, ordered, reliable, message-oriented connection between two nodes.
 * It carries opaque frames; Tabnode's own protocol (handshake, sync) runs on top.
 *
 * Rules every implementation keeps (checked by `linkContract`):
 * - Messages arrive whole, once, in the order of the `send` calls, until the link closes.
 * - `send` resolves once the transport has taken the message (it waits while the
 *   transport's buffer is full: back-pressure). It rejects with `LinkClosedError` when the
 *   link is or becomes closed first, and with `MessageTooLargeError` (the link stays usable)
 *   for a message over `maxMessageBytes`.
 * - Messages that arrive while no message handler is attached are queued (bounded) and
 *   handed to the first handler attached, synchronously, inside `onMessage`. If the queue
 *   overflows the link closes: a message is never dropped silently.
 * - `onClose` handlers run once, with a reason. A handler attached after the link closed
 *   runs at once with the reason, so no close can be missed.
 * - Received messages belong to the receiver; sent messages are copied or sent before
 *   `send` resolves, so the caller may reuse its buffer afterwards.
 */
export interface Link {
  /** Unique among the links of this node (for logs and maps); not an identity. */
  readonly id: string;
  /** What the transport says about the other end (a peer id, a tab id). Unauthenticated. */
  readonly remoteHint?: string;
  /** Messages longer than this are refused by `send` and, when received, close the link. */
  readonly maxMessageBytes: number;
  readonly closed: boolean;
  /** Why the link closed, once it has. */
  readonly closeReason?: string;
  send(message: Uint8Array): Promise<void>;
  /** Returns a function that detaches the handler. */
  onMessage(handler: (message: Uint8Array) => void): () => void;
  /** Returns a function that detaches the handler. */
  onClose(handler: (reason: string) => void): () => void;
  /** Idempotent. The other side hears about it with this reason where the transport allows. */
  close(reason?: string): void;
}

/** `send` on a link that is closed (or closed before the message was taken). */
export class LinkClosedError extends Error {
  override readonly name = 'LinkClosedError';
  constructor(
    readonly linkId: string,
    readonly reason: string,
  ) {
    super(`link ${linkId} is closed (${reason}); open a new link to this peer`);
  }
}

/** A message over the link's `maxMessageBytes`. Nothing was sent; the link stays usable. */
export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';
  constructor(
    readonly size: number,
    readonly maxMessageBytes: number,
  ) {
    super(`message of ${size} bytes is over this link's limit of ${maxMessageBytes} bytes; split it into smaller messages`);
  }
}
