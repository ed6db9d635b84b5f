// A WebRTC connection to one remote peer, negotiated with the "perfect negotiation"
// pattern (https://developer.mozilla.org/docs/Web/API/WebRTC_API/Perfect_negotiation):
// both sides may offer at any time; when offers cross (glare), the polite side gives way
// and answers, the impolite side ignores the other's offer. Which side is polite is decided
// by comparing peer ids, so the two always agree without a round trip.
//
// How the polite side gives way: MDN's pattern rolls its offer back. In Chromium 156 a
// rollback while the offer's ICE candidates are still being gathered leaves the answer
// gathering nothing, for ever (seen in about 1 glare in 100 here, with either implicit or
// explicit rollback). Before the connection is up it carries nothing, so the polite side
// instead replaces its RTCPeerConnection with a fresh one that answers the offer. Once
// connected (we never renegotiate, but a peer may), it rolls back as MDN does.
//
// Each RTCPeerConnection carries one negotiated data channel, created on both sides with
// the same id: it needs no in-band announcement, and creating it triggers the first offer.
import type { Signal } from './roomMessages.ts';
import { serialQueue } from '../../core/tasks/serialQueue.ts';

/** The negotiated channel's id and label, the same on both sides. */
export const TABNODE_CHANNEL_ID = 100;
const CHANNEL_LABEL = 'tabnode';
/**
 * Candidates that arrive before the remote description are held until it is set. A peer
 * gathers a handful (one per interface and server); more than this is not a real peer.
 */
export const MAX_PENDING_CANDIDATES = 64;

export interface NegotiationOptions {
  /** The polite side gives way when offers cross. Exactly one of the two peers must be polite. */
  polite: boolean;
  configuration: RTCConfiguration;
  /** Sends a signal to the other side (through the signaling server). */
  send(signal: Signal): void;
  /** The data channel is open: wrap it (openDataChannelLink). Called at most once. */
  onOpen(channel: RTCDataChannel, pc: RTCPeerConnection): void;
  /** Negotiation broke (a description was refused, ICE failed): close this connection. */
  onFailed(reason: string): void;
}

export interface Negotiation {
  /** A signal from the other side. Handled in arrival order; never throws or rejects. */
  receive(signal: Signal): void;
  /** The RTCPeerConnection in use now (for getStats). */
  peerConnection(): RTCPeerConnection;
  close(): void;
}

/** One RTCPeerConnection of a negotiation (a second one only when the polite side gives way). */
interface Attempt {
  pc: RTCPeerConnection;
  channel: RTCDataChannel;
  makingOffer: boolean;
  sendLocalDescription(): void;
}

export function negotiate(options: NegotiationOptions): Negotiation {
  const { polite } = options;
  let closed = false;
  let ignoreOffer = false;
  let pending: RTCIceCandidateInit[] = [];
  // Signals are handled one after the other: a candidate must not overtake its description.
  const inOrder = serialQueue();

  const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  const fail = (reason: string): void => {
    if (!closed) options.onFailed(reason);
  };

  const start = (): Attempt => {
    const pc = new RTCPeerConnection(options.configuration);
    const live = (): boolean => !closed && current === attempt;
    const sendLocalDescription = (): void => {
      const description = pc.localDescription;
      if (!live() || !description || (description.type !== 'offer' && description.type !== 'answer')) return;
      options.send({ type: description.type, sdp: description.sdp });
    };
    // The channel is made last: it fires negotiationneeded, and every listener must be in place.
    const attempt: Attempt = { pc, channel: undefined as unknown as RTCDataChannel, makingOffer: false, sendLocalDescription };
    pc.addEventListener('negotiationneeded', () => {
      void (async () => {
        try {
          attempt.makingOffer = true;
          await pc.setLocalDescription();
          sendLocalDescription();
        } catch (error) {
          // Closed or replaced meanwhile, or the other side's offer came first.
          if (live() && pc.signalingState === 'stable') fail(`could not make an offer: ${describe(error)}`);
        } finally {
          attempt.makingOffer = false;
        }
      })();
    });
    pc.addEventListener('icecandidate', ({ candidate }) => {
      // A null or empty candidate marks the end of gathering; the other side needs no word of it.
      if (live() && candidate?.candidate) options.send({ type: 'candidate', candidate: candidate.toJSON() });
    });
    pc.addEventListener('connectionstatechange', () => {
      if (live() && pc.connectionState === 'failed') fail('the WebRTC connection failed (ICE found no working path; check the TURN settings)');
    });
    attempt.channel = pc.createDataChannel(CHANNEL_LABEL, { negotiated: true, id: TABNODE_CHANNEL_ID });
    attempt.channel.addEventListener('open', () => live() && options.onOpen(attempt.channel, pc), { once: true });
    return attempt;
  };
  let current = start();

  const addCandidate = async (candidate: RTCIceCandidateInit): Promise<void> => {
    try {
      await current.pc.addIceCandidate(candidate);
    } catch {
      // A candidate of an offer we ignored or gave way on, or of an old session: harmless.
    }
  };

  const handle = async (signal: Signal): Promise<void> => {
    if (closed) return;
    if (signal.type === 'candidate') {
      if (current.pc.remoteDescription) return addCandidate(signal.candidate);
      if (!ignoreOffer && pending.length < MAX_PENDING_CANDIDATES) pending.push(signal.candidate);
      return;
    }
    // Signals are handled one at a time (the queue below), so no answer is being set now.
    const readyForOffer = !current.makingOffer && current.pc.signalingState === 'stable';
    const offerCollision = signal.type === 'offer' && !readyForOffer;
    ignoreOffer = !polite && offerCollision;
    if (ignoreOffer) {
      pending = [];
      return;
    }
    if (signal.type === 'answer' && current.pc.signalingState !== 'have-local-offer') return; // late or repeated
    if (offerCollision && current.pc.connectionState !== 'connected') {
      // Give way with a fresh connection rather than a rollback (see the top of this file).
      const old = current;
      current = start();
      old.channel.close();
      old.pc.close();
      pending = [];
    }
    const { pc } = current;
    try {
      // Connected and colliding (polite): this rolls our own offer back first.
      await pc.setRemoteDescription(signal);
    } catch (error) {
      return fail(`the other side's ${signal.type} was refused: ${describe(error)}`);
    }
    const held = pending;
    pending = [];
    for (const candidate of held) await addCandidate(candidate);
    if (signal.type === 'offer') {
      try {
        await pc.setLocalDescription();
        current.sendLocalDescription();
      } catch (error) {
        fail(`could not answer: ${describe(error)}`);
      }
    }
  };

  return {
    receive(signal) {
      void inOrder(() => handle(signal)).catch((error: unknown) => fail(describe(error)));
    },
    peerConnection: () => current.pc,
    close() {
      if (closed) return;
      closed = true;
      pending = [];
      // The channel first: a Link on it hears that it closed.
      current.channel.close();
      current.pc.close();
    },
  };
}
