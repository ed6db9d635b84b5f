import * as Y from 'yjs';
import type { Signer } from '../../../core/crypto/index.ts';
import { anchoredRevokeBody, type KeyRevokedEvent } from '../../../core/anchor/binding.ts';
import type { Replica } from '../../../core/context/replica.ts';
import { idKey, signOp, type DeltaBody, type OpBody } from '../../../core/ops/op.ts';
import type { Role } from '../../../core/ops/roles.ts';
import type { ContextSync } from '../../../core/sync/contextSync.ts';
import type { MemberView, OpOutcome } from '../view.ts';

/** A Yjs update that changes nothing. */
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

/** How state deltas are sealed before signing (epoch keys: `epochKeys.ts`). */
export interface DeltaSealer {
  /**
   * Make the write possible under the right key: rotate first if the current key reached
   * someone who must not hold it, box the key to this device before its first write, and wait
   * (a while) for a key this device does not hold yet.
   */
  beforeWrite(): Promise<void>;
  /** The delta as it is published on these parents: sealed under their epoch key, or clear. */
  sealDelta(parents: Uint8Array[], body: DeltaBody): OpBody;
}

/**
 * Where an op is signed: its parents and time. Epoch key ops are judged against who is entitled
 * at exactly these (docs/decisions/epoch-keys.md), so they are signed where they were planned,
 * not on heads that moved while their boxes were sealed.
 */
export interface SignAt {
  parents: Uint8Array[];
  time: number;
}

/**
 * Sign an op on the current heads (or `at`), publish it, and say whether the rules accepted
 * it. A state delta is given in clear and sealed here, under the epoch key of the parents it
 * is signed on.
 */
export function createPublisher(p: { signer: Signer; contextId: Uint8Array; replica: Replica; sync: ContextSync; now(): number; onChange(): void; sealer?: () => DeltaSealer }) {
  const { replica } = p;
  return async function publish(body: OpBody, at?: SignAt): Promise<OpOutcome> {
    const sealer = body.kind === 'delta' ? p.sealer?.() : undefined;
    if (sealer) await sealer.beforeWrite();
    const parents = at?.parents ?? replica.parents();
    const sent = sealer && body.kind === 'delta' ? sealer.sealDelta(parents, body) : body;
    const op = await signOp(p.signer, { context: p.contextId, parents, time: at?.time ?? p.now(), body: sent });
    const result = await p.sync.publish([op]);
    const key = idKey(op.id);
    if (result.rejected.length) return { key, valid: false, reason: result.rejected[0]!.reason, message: result.rejected[0]!.message };
    p.onChange();
    const v = replica.verdict(key);
    return v?.valid ? { key, valid: true } : { key, valid: false, reason: v?.reason ?? 'unknown', message: v && !v.valid ? v.message : 'not judged' };
  };
}

/** The ops a running context publishes directly: governance changes, revocations, raw and merge deltas. */
export function contextOps(publish: (body: OpBody) => Promise<OpOutcome>) {
  return {
    /**
     * Publish an empty change whose parents are all the heads: one op whose causal past holds
     * everything here (an anchor names such an op).
     */
    mergeHeads: () => publish({ kind: 'delta', writer: 'merge', update: EMPTY_UPDATE, call: undefined, events: [] }),
    publishRawDelta: (delta: { update: Uint8Array; call?: { method: string; input: Uint8Array } }) =>
      publish({ kind: 'delta', writer: 'raw', update: delta.update, call: delta.call, events: [] }),
    setRole: (member: MemberView['root'], role: Role) => publish({ kind: 'set-role', member, role }),
    remove: (member: MemberView['root']) => publish({ kind: 'remove', member }),
    changeOrigins: (add: string[], remove: string[]) => publish({ kind: 'set-origins', add, remove }),
    leave: () => publish({ kind: 'leave' }),
    /** Admins: switch the context's app (its id, 32 bytes); members fetch the binary by hash. */
    setApp: (appId: Uint8Array) => publish({ kind: 'set-app', appId }),
    /**
     * Import a key revocation read from the context's registry on chain, with its evidence,
     * so it takes effect here and at every peer (docs/governance.md, anchored revocations).
     */
    importChainRevocation: (e: KeyRevokedEvent) => publish(anchoredRevokeBody(e)),
    /** Publish a root's signed revocation of one of its keys (canonical revocation bytes). */
    revokeKey: (revocation: Uint8Array) => publish({ kind: 'revoke-key', revocation }),
  };
}
