/**
 * When a context is due for an anchor. Set per context: every governance change (membership,
 * role, key revocation) anchors at once; state checkpoints anchor every `everyOps` ops or
 * every `everyMs`, whichever comes first, but only when something changed.
 */
export interface AnchorPolicy {
  /** Anchor each membership change, role change and key revocation. */
  governance: boolean;
  /** A checkpoint anchor after this many new ops (0: never by count). */
  everyOps: number;
  /** A checkpoint anchor after this long with new ops (0: never by time). */
  everyMs: number;
}

export const DEFAULT_ANCHOR_POLICY: AnchorPolicy = { governance: true, everyOps: 500, everyMs: 60 * 60_000 };

export const ANCHOR_POLICY_LIMITS = { maxOps: 1_000_000, minMs: 60_000, maxMs: 30 * 86_400_000 } as const;

export class AnchorPolicyError extends Error {
  override readonly name = 'AnchorPolicyError';
}

/** A policy as entered, checked: whole numbers in range (0 turns a trigger off). */
export function validatePolicy(p: AnchorPolicy): AnchorPolicy {
  if (!Number.isInteger(p.everyOps) || p.everyOps < 0 || p.everyOps > ANCHOR_POLICY_LIMITS.maxOps) {
    throw new AnchorPolicyError(`ops between checkpoint anchors must be a whole number from 0 (off) to ${ANCHOR_POLICY_LIMITS.maxOps}`);
  }
  if (!Number.isInteger(p.everyMs) || (p.everyMs !== 0 && (p.everyMs < ANCHOR_POLICY_LIMITS.minMs || p.everyMs > ANCHOR_POLICY_LIMITS.maxMs))) {
    throw new AnchorPolicyError('time between checkpoint anchors must be 0 (off) or from one minute to 30 days');
  }
  return { governance: Boolean(p.governance), everyOps: p.everyOps, everyMs: p.everyMs };
}

export interface AnchorProgress {
  /** The latest governance op here differs from the one last anchored. */
  governanceChanged: boolean;
  /** Ops in history now, and when the last anchor was confirmed. */
  opsSinceAnchor: number;
  msSinceAnchor: number;
}

export type AnchorReason = 'governance' | 'ops' | 'time';

/** Why an anchor is due now, or undefined when none is. */
export function anchorDue(policy: AnchorPolicy, p: AnchorProgress): AnchorReason | undefined {
  if (policy.governance && p.governanceChanged) return 'governance';
  if (p.opsSinceAnchor === 0) return undefined;
  if (policy.everyOps > 0 && p.opsSinceAnchor >= policy.everyOps) return 'ops';
  if (policy.everyMs > 0 && p.msSinceAnchor >= policy.everyMs) return 'time';
  return undefined;
}
