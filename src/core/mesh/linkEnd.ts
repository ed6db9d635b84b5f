import type { Link } from './Link.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, LinkClosedError, MessageTooLargeError } from './Link.ts';

/** Bounds of the queue that holds messages received before any handler is attached. */
export const DEFAULT_MAX_QUEUED_MESSAGES = 1024;
export const DEFAULT_MAX_QUEUED_BYTES = 16 * 1024 * 1024;

export interface LinkEndOptions {
  id: string;
  remoteHint?: string;
  maxMessageBytes?: number;
  maxQueuedMessages?: number;
  maxQueuedBytes?: number;
  /**
   * Hand one message to the transport. Return nothing when it was taken at once, or a
   * promise that settles when it was taken (back-pressure). Called one message at a time,
   * in `send` order, never after the link closed.
   */
  transmit(message: Uint8Array): void | Promise<void>;
  /** This side closed the link: release the transport and tell the other side why. */
  shutdown(reason: string): void;
}

/** The half of a link that a transport drives; `link` is the half its user sees. */
export interface LinkEnd {
  readonly link: Link;
  /** The transport delivered a whole message (now owned by the link). */
  receive(message: Uint8Array): void;
  /** The transport is gone (remote close, failure). Closes the link without `shutdown`. */
  end(reason: string): void;
}

/**
 * The behaviour every Link shares (validation, send ordering, the receive queue, handler
 * bookkeeping, closing once), so each transport only moves bytes.
 */
export function linkEnd(options: LinkEndOptions): LinkEnd {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxQueuedMessages = options.maxQueuedMessages ?? DEFAULT_MAX_QUEUED_MESSAGES;
  const maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  const messageHandlers = new Set<(message: Uint8Array) => void>();
  const closeHandlers = new Set<(reason: string) => void>();
  let queue: Uint8Array[] = [];
  let queuedBytes = 0;
  let closeReason: string | undefined;
  // Sends waiting on back-pressure; while any waits, later sends line up behind it.
  let waiting = 0;
  let tail: Promise<void> = Promise.resolve();

  const finish = (reason: string, notifyTransport: boolean): void => {
    if (closeReason !== undefined) return;
    closeReason = reason;
    queue = [];
    messageHandlers.clear();
    if (notifyTransport) options.shutdown(reason);
    const handlers = [...closeHandlers];
    closeHandlers.clear();
    callAll(handlers, reason);
  };

  const track = (pending: Promise<void>): Promise<void> => {
    waiting++;
    const done = pending.finally(() => void waiting--);
    tail = done.catch(() => {});
    return done;
  };

  const transmitNow = (message: Uint8Array): void | Promise<void> => {
    if (closeReason !== undefined) throw new LinkClosedError(options.id, closeReason);
    return options.transmit(message);
  };

  const link: Link = {
    id: options.id,
    ...(options.remoteHint === undefined ? {} : { remoteHint: options.remoteHint }),
    maxMessageBytes,
    get closed() {
      return closeReason !== undefined;
    },
    get closeReason() {
      return closeReason;
    },
    send(message) {
      if (closeReason !== undefined) return Promise.reject(new LinkClosedError(options.id, closeReason));
      if (message.length > maxMessageBytes) return Promise.reject(new MessageTooLargeError(message.length, maxMessageBytes));
      if (waiting > 0) return track(tail.then(() => transmitNow(message)));
      try {
        const pending = transmitNow(message);
        return pending === undefined ? Promise.resolve() : track(pending);
      } catch (err) {
        return Promise.reject(err);
      }
    },
    onMessage(handler) {
      if (closeReason !== undefined) return () => {};
      messageHandlers.add(handler);
      if (queue.length > 0) {
        const queued = queue;
        queue = [];
        queuedBytes = 0;
        // Stop if the handler closes the link or detaches itself while catching up.
        const stillWanted = (): boolean => closeReason === undefined && messageHandlers.has(handler);
        callEach(queued, (message) => stillWanted() && handler(message));
      }
      return () => void messageHandlers.delete(handler);
    },
    onClose(handler) {
      if (closeReason !== undefined) {
        handler(closeReason);
        return () => {};
      }
      closeHandlers.add(handler);
      return () => void closeHandlers.delete(handler);
    },
    close(reason = 'closed') {
      finish(reason, true);
    },
  };

  return {
    link,
    receive(message) {
      if (closeReason !== undefined) return;
      if (message.length > maxMessageBytes) {
        finish(`protocol error: received a message of ${message.length} bytes, over the limit of ${maxMessageBytes}`, true);
        return;
      }
      if (messageHandlers.size > 0) {
        callAll([...messageHandlers], message);
        return;
      }
      if (queue.length >= maxQueuedMessages || queuedBytes + message.length > maxQueuedBytes) {
        finish(`receive queue overflow: ${queue.length} messages (${queuedBytes} bytes) arrived with no message handler attached`, true);
        return;
      }
      queue.push(message);
      queuedBytes += message.length;
    },
    end(reason) {
      finish(reason, false);
    },
  };
}

// Every handler runs even if one throws; the first error is rethrown to the transport's
// caller afterwards, so a bug in a handler is loud but does not starve the others.
function callAll<T>(handlers: Array<(value: T) => void>, value: T): void {
  callEach(handlers, (handler) => handler(value));
}

function callEach<T>(items: T[], call: (item: T) => unknown): void {
  let failure: { error: unknown } | undefined;
  for (const item of items) {
    try {
      call(item);
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
