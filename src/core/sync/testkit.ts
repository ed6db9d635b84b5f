// A context-sync node for tests and simulations: a member's replica and sync on a
// simulated clock, persisting nothing.
import { createReplica } from '../context/replica.ts';
import { recordingSink, type Person } from '../context/testkit.ts';
import type { CheckedOp } from '../governance/checkedOp.ts';
import type { ProofOptions } from '../identity/index.ts';
import type { Scheduler } from '../mesh/Scheduler.ts';
import { seededRandom } from '../mesh/seededRandom.ts';
import { createContextSync, type SyncEvent } from './contextSync.ts';

let seeds = 1;

/** `proofs`: what the node checks wallet proofs and chain evidence with (its RPC). */
/** `persist`: where verified ops go before they are relayed (default: nowhere, at once). */
export function syncNode(
  who: Pick<Person, 'device'>,
  context: Uint8Array,
  scheduler: Scheduler,
  options: { onChange?(e: SyncEvent): void; now?(): number; proofs?: ProofOptions; persist?(ops: CheckedOp[], how: { received: boolean }): Promise<void> } = {},
) {
  const sink = recordingSink();
  const replica = createReplica(context, sink, options.proofs);
  const random = seededRandom(seeds++);
  const sync = createContextSync({
    replica,
    identity: { signer: who.device.signer, delegation: who.device.delegation, credential: () => ({ kind: 'member' }) },
    scheduler,
    randomBytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256)),
    now: options.now ?? (() => scheduler.now()),
    persist: options.persist ?? (async () => {}),
    antiEntropyMs: 500,
    ...(options.onChange ? { onChange: options.onChange } : {}),
  });
  return { replica, sink, sync };
}
