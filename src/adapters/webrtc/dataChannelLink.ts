import type { Link } from '../../core/mesh/Link.ts';
import { LinkClosedError } from '../../core/mesh/Link.ts';
import { linkEnd } from '../../core/mesh/linkEnd.ts';
import { closeFrame, FrameError, messageFrames, readyFrame, reassembler } from './frames.ts';

export interface DataChannelLinkOptions {
  id?: string;
  remoteHint?: string;
  maxMessageBytes?: number;
  /** Watched so the link closes when the connection fails or closes. The link never closes it. */
  peerConnection?: RTCPeerConnection;
  /** `send` waits while the channel buffers more than this. Default 1 MiB. */
  highWaterBytes?: number;
  /** ...until the buffer drains to this (`bufferedAmountLowThreshold`). Default 256 KiB. */
  lowWaterBytes?: number;
}

/** The channel closed, or its connection failed, before both sides were ready. */
export class LinkOpenError extends Error {
  override readonly name = 'LinkOpenError';
}

let links = 0;

/**
 * Wraps an ordered, reliable RTCDataChannel (any state; usually a negotiated one created
 * on both sides) as a Link, once both sides have it open.
 *
 * Why a READY exchange: a negotiated channel opens on each side as soon as that side has
 * created it, so a frame sent before the other side created its twin may be lost. Each
 * side sends READY on open and once more when it first hears READY; data only follows a
 * READY the other side has answered, so no frame is ever sent into the void.
 */
export function openDataChannelLink(channel: RTCDataChannel, options: DataChannelLinkOptions = {}): Promise<Link> {
  const highWater = options.highWaterBytes ?? 1024 * 1024;
  const pc = options.peerConnection;
  const id = options.id ?? `webrtc:${++links}:${channel.label}`;
  channel.binaryType = 'arraybuffer';
  channel.bufferedAmountLowThreshold = options.lowWaterBytes ?? 256 * 1024;

  let ready = false;
  let opened: { resolve: (link: Link) => void; reject: (error: Error) => void } | undefined;
  let drained: { resolve: () => void; reject: (error: Error) => void } | undefined;

  const end = linkEnd({
    id,
    remoteHint: options.remoteHint,
    maxMessageBytes: options.maxMessageBytes,
    transmit: (message) => pump(messageFrames(message)),
    shutdown(reason) {
      // If it cannot go out, the other side sees a plain channel close instead.
      sendControl(closeFrame(reason));
      finish(reason);
    },
  });
  const frames = reassembler(end.link.maxMessageBytes);

  // Sends frames until the channel's buffer is over the high-water mark, then waits for
  // 'bufferedamountlow' and carries on. Returns nothing when all went out at once.
  const pump = (pending: Generator<Uint8Array<ArrayBuffer>>): void | Promise<void> => {
    for (;;) {
      if (end.link.closed || channel.readyState !== 'open') throw new LinkClosedError(id, end.link.closeReason ?? 'data channel is not open');
      if (channel.bufferedAmount > highWater) {
        return new Promise<void>((resolve, reject) => (drained = { resolve, reject })).then(() => pump(pending));
      }
      const next = pending.next();
      if (next.done) return;
      try {
        channel.send(next.value);
      } catch (error) {
        // Half a message may be out: the stream cannot be trusted any more.
        end.link.close(`data channel send failed: ${error instanceof Error ? error.message : String(error)}`);
        throw new LinkClosedError(id, end.link.closeReason ?? 'send failed');
      }
    }
  };

  // A control frame (READY, CLOSE) goes out only on an open channel: the channel can be
  // closing by the time an 'open' or 'message' event is handled, and send() would throw
  // InvalidStateError there. Returns whether it went out.
  const sendControl = (frame: Uint8Array<ArrayBuffer>): boolean => {
    if (channel.readyState !== 'open') return false;
    try {
      channel.send(frame);
      return true;
    } catch {
      return false;
    }
  };

  const onOpen = (): void => {
    if (!sendControl(readyFrame())) gone('data channel closed while opening');
  };
  const onLow = (): void => {
    const waiter = drained;
    drained = undefined;
    waiter?.resolve();
  };
  const onMessage = (event: MessageEvent): void => {
    if (end.link.closed) return;
    if (!(event.data instanceof ArrayBuffer)) return end.link.close('protocol error: a text frame on a binary link');
    let incoming;
    try {
      incoming = frames.push(new Uint8Array(event.data));
    } catch (error) {
      if (error instanceof FrameError) return end.link.close(error.message);
      throw error;
    }
    switch (incoming.kind) {
      case 'ready':
        if (ready) return;
        if (!sendControl(readyFrame())) return gone('data channel closed while opening');
        ready = true;
        opened?.resolve(end.link);
        return;
      case 'message':
        if (!ready) return end.link.close('protocol error: data before READY');
        return end.receive(incoming.message);
      case 'close':
        return gone(`closed by the other side: ${incoming.reason}`);
      case 'partial':
        return;
    }
  };
  const onClose = (): void => gone('data channel closed');
  const onError = (event: Event): void => gone(`data channel error: ${(event as RTCErrorEvent).error?.message ?? 'unknown'}`);
  const onConnectionState = (): void => {
    const state = pc?.connectionState;
    if (state === 'failed' || state === 'closed') gone(`peer connection ${state}`);
  };

  // The transport ended without us asking: close the link, then release the channel.
  const gone = (reason: string): void => {
    end.end(reason);
    finish(reason);
  };
  function finish(reason: string): void {
    channel.removeEventListener('open', onOpen);
    channel.removeEventListener('message', onMessage);
    channel.removeEventListener('bufferedamountlow', onLow);
    channel.removeEventListener('close', onClose);
    channel.removeEventListener('error', onError);
    pc?.removeEventListener('connectionstatechange', onConnectionState);
    drained?.reject(new LinkClosedError(id, reason));
    drained = undefined;
    opened?.reject(new LinkOpenError(`data channel "${channel.label}" did not open: ${reason}`));
    opened = undefined;
    // Closing is orderly: frames already buffered (the CLOSE frame too) still go out.
    if (channel.readyState === 'open' || channel.readyState === 'connecting') channel.close();
  }

  channel.addEventListener('open', onOpen);
  channel.addEventListener('message', onMessage);
  channel.addEventListener('bufferedamountlow', onLow);
  channel.addEventListener('close', onClose);
  channel.addEventListener('error', onError);
  pc?.addEventListener('connectionstatechange', onConnectionState);

  return new Promise<Link>((resolve, reject) => {
    opened = { resolve, reject };
    if (channel.readyState === 'open') onOpen();
    else if (channel.readyState !== 'connecting') gone(`data channel is ${channel.readyState}`);
    onConnectionState();
  });
}
