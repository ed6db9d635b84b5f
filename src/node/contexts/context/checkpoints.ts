import { toHex, type Signer } from '../../../core/crypto/index.ts';
import type { Replica } from '../../../core/context/replica.ts';
import type { Scheduler } from '../../../core/mesh/Scheduler.ts';
import { idKey } from '../../../core/ops/op.ts';
import { compareCheckpoint, decodeCheckpoint, encodeCheckpoint, signCheckpoint, verifyCheckpoint, type Checkpoint } from '../../../core/state/index.ts';
import type { Alerts } from './alerts.ts';
import type { Derived } from './derived.ts';
import type { CheckpointAgreement } from '../view.ts';

/** The latest anchor a node has confirmed on chain, as checkpoints carry it. */
export type AnchorClaim = NonNullable<Checkpoint['anchor']>;

export interface AnchorHooks {
  claim(): AnchorClaim | undefined;
  /** A member's checkpoint named this anchor (its signature and key were checked). */
  peerClaim(claim: AnchorClaim, peerLabel: string): void;
}

/**
 * Checkpoints: sign and broadcast this node's heads and roots every so often; compare what
 * members' checkpoints say with the local view, and raise a divergence.
 */
export function createCheckpoints(p: {
  contextId: Uint8Array;
  /** The context id's key (hex), as records name it. */
  contextKey: string;
  signer: Signer;
  replica: Replica;
  derived: Derived;
  alerts: Alerts;
  scheduler: Scheduler;
  checkpointMs: number;
  now(): number;
  isClosed(): boolean;
  broadcast(bytes: Uint8Array): void;
}) {
  const { replica } = p;
  const agreements = new Map<string, CheckpointAgreement>();
  /** The anchoring service's side of checkpoints: what this node has confirmed on chain, and what peers say. */
  let anchorHooks: AnchorHooks | undefined;

  async function receive(bytes: Uint8Array): Promise<void> {
    let cp;
    try {
      cp = decodeCheckpoint(bytes);
    } catch {
      return;
    }
    if (idKey(cp.context) !== p.contextKey || !(await verifyCheckpoint(cp))) return;
    const comparison = compareCheckpoint(p.derived.localView(), cp);
    const peerKey = toHex(cp.author);
    const label = replica.governance().keys.get(peerKey)?.label ?? peerKey.slice(0, 8);
    if (cp.anchor && replica.governance().keys.has(peerKey)) anchorHooks?.peerClaim(cp.anchor, label);
    const previous = agreements.get(peerKey)?.comparison;
    agreements.set(peerKey, { peer: peerKey, label, comparison, at: p.now() });
    if (comparison === 'diverged' && previous !== 'diverged') {
      p.alerts.raise('divergence', `${label} has the same ops but a different state: one of us is faulty or tampered with`);
    }
  }

  function loop(): void {
    if (p.isClosed()) return;
    const view = p.derived.localView();
    void signCheckpoint(p.signer, {
      context: p.contextId,
      heads: view.heads,
      governanceRoot: view.governanceRoot,
      stateRoot: view.stateRoot,
      opCount: replica.historySize(),
      time: p.now(),
      anchor: anchorHooks?.claim(),
    }).then((cp) => p.broadcast(encodeCheckpoint(cp)));
    p.scheduler.schedule(p.checkpointMs, loop);
  }

  return {
    receive,
    /** Start the loop: the first checkpoint after `firstMs`, then every `checkpointMs`. */
    start(firstMs: number): void {
      p.scheduler.schedule(firstMs, loop);
    },
    agreements: () => [...agreements.values()],
    attachAnchors(hooks: AnchorHooks | undefined): void {
      anchorHooks = hooks;
    },
  };
}
