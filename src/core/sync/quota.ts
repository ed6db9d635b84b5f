/**
 * What one peer (one link) may cost this node. Every buffer a peer can fill is bounded in
 * bytes, and answers are bounded by what was asked (docs/protocol.md, "Quotas").
 * A peer past a hard quota is disconnected and reported; past a soft one it is throttled.
 */
export const SYNC_QUOTAS = {
  /** Bytes received from a peer and not yet handled: a peer sending faster than we can check is cut off. */
  inboundQueuedBytes: 16 * 1024 * 1024,
  /** Bytes handed to the link and not yet taken by the transport: past this, op pushes to that peer wait for its next ask. */
  outboundQueuedBytes: 16 * 1024 * 1024,
  /** Bytes of ops from a peer that were rejected (forged, malformed, unknown keys, over budget). Honest peers relay none. */
  rejectedBytes: 256 * 1024,
  /** Bytes of ops from a peer still waiting for their parents. */
  pendingBytes: 8 * 1024 * 1024,
  /**
   * Ops sent in answer to one `heads` message; the peer asks again for the rest (as it starts
   * checking the last part, so the next is on the wire meanwhile). 4 MiB answers stalled the
   * data channel for seconds on a busy receiver (docs/decisions/catch-up-and-signatures.md).
   */
  answerBytes: 1024 * 1024,
  /** Re-sending ops a peer was already sent (it asks by id) is allowed up to this many times the bytes it sent us… */
  resendFactor: 4,
  /** …plus this much, so a quiet peer on a lossy link still recovers a dropped op. */
  resendAllowanceBytes: 256 * 1024,
  /** Ids a peer may ask for that this node does not have, as a bucket refilled per second. */
  unknownWants: { burst: 2048, perSecond: 64 },
  /** `heads` from one peer that are answered (each walks the history), as a bucket refilled per second. */
  heads: { burst: 20, perSecond: 5 },
  /** Checkpoints from one peer that are checked, as a bucket refilled per second. */
  checkpoints: { burst: 4, perSecond: 1 },
  /** How often one app binary is sent to one peer. */
  appSendsPerHash: 2,
  /** A handshake not finished by then closes the link. */
  handshakeMs: 30_000,
  /** A refused peer holds a connection slot: it is let go after this unless admitted meanwhile. */
  refusedLingerMs: 60_000,
  /** A peer may present another credential this many times (after a refusal). */
  reauths: 4,
} as const;

/** Why a peer was cut off: shown in the sync panel and raised as an alert. */
export class QuotaBreach extends Error {
  override readonly name = 'QuotaBreach';
  constructor(
    readonly quota: keyof typeof SYNC_QUOTAS,
    message: string,
  ) {
    super(message);
  }
}
