import type { ProofOptions } from '../identity/index.ts';
import { DecodeError } from '../codec/index.ts';
import { createDag, DAG_LIMITS } from '../dag/dag.ts';
import { checkIntrinsic, parentKeys, type CheckedOp, type IntrinsicRefusal, type KnownBinding } from '../governance/checkedOp.ts';
import { trustedCheckedOp } from '../governance/trustedOp.ts';
import { cloneGovState, type GovState } from '../governance/state.ts';
import { bytesEqual } from '../crypto/index.ts';
import { genesisBinding } from '../anchor/binding.ts';
import type { Hash32 } from '../anchor/AnchorChain.ts';
import { memberSetRoot } from '../anchor/memberSetRoot.ts';
import { createEvaluator, type OpVerdict } from '../governance/evaluate.ts';
import { inlineBatchVerifier } from '../crypto/index.ts';
import { decodeOp, encodeOp, idKey, OP_LIMITS, opSignatureCheck, ownBytes, type Op } from '../ops/op.ts';
import { createEpochKeyRing } from '../epochs/ring.ts';
import { isDeltaKind } from '../governance/rules.ts';
import { createHistory } from './history.ts';
import { createDeltaReader } from './deltaReader.ts';
import { holdId } from '../ops/heldIds.ts';
import { checkStateUpdate } from '../state/checkUpdate.ts';

/** Where valid state deltas go. The state module implements it over a Y.Doc. */
export interface StateSink {
  apply(opKey: string, update: Uint8Array): void;
  /** An equal key string the sink holds already (a loaded snapshot's), for the replica to name the op with: one copy per key. */
  sharedKey?(opKey: string): string | undefined;
  /** Start over from exactly these deltas (after a late op invalidated applied ones). */
  rebuild(valid: Iterable<[string, Uint8Array]>): void;
}

/** Bounds on what a replica keeps of ops that are not history (docs/governance.md). */
export const REFUSED_LIMITS = {
  /**
   * Bytes of refused ops kept per author root, for ops its own node sends (a member's own
   * attempts); past it, its new refused ops are dropped. Ops relayed by another member's node
   * are exempt: that node may hold them as history (it has not seen what refuses them here)
   * and build on them, so this node must keep them to follow it.
   */
  perAuthorBytes: 256 * 1024,
  /** Bytes of refused ops kept in all. */
  totalBytes: 16 * 1024 * 1024,
} as const;

export type RejectionReason =
  | IntrinsicRefusal
  | 'unknown-key'
  | 'over-budget'
  /** Sync only: ops from a peer that is not admitted, dropped unread. */
  | 'not-admitted'
  /** Sync only: an app binary that does not hash to the app asked for. */
  | 'bad-app';

/**
 * Every code a refusal shown to people can carry: an op's verdict (the rules, concurrent
 * changes) or a rejection at receipt. The UI keeps plain words for each (node/words/reasonWords.ts).
 */
export type RefusalCode = Extract<OpVerdict, { valid: false }>['reason'] | RejectionReason;

export interface Rejection {
  key?: string;
  reason: RejectionReason;
  message: string;
  /** Size of what was rejected, charged to whoever sent it. */
  bytes: number;
}

/** What one call to `receive` did. */
export interface ReceiveResult {
  /** Ops new to this replica that entered the DAG (history or refused), parents first. */
  added: CheckedOp[];
  /**
   * Ops that joined the history in this call, parents first: new valid ops, the past they
   * complete, and earlier refused ops a late op made history. Only these are stored and relayed.
   */
  accepted: CheckedOp[];
  /** Never kept: malformed, forged, of another context, by a key nothing introduced, or over budget. */
  rejected: Rejection[];
  /** Earlier ops whose verdict flipped. */
  flipped: string[];
  /** Whether state had to be rebuilt. */
  rebuilt: boolean;
}

export interface ReplicaLimits {
  refused: { [K in keyof typeof REFUSED_LIMITS]: number };
  dag: { [K in keyof typeof DAG_LIMITS]: number };
}

/** An op of a receive, decoded, with its id key and bytes. */
type Fresh = { op: Op; key: string; bytes: Uint8Array };

/** How a receive is cut up: ops verified and taken in per chunk (bounds work between yields). */
export const RECEIVE_LIMITS = { chunkOps: 256 } as const;

const DEFAULT_LIMITS: ReplicaLimits = { refused: REFUSED_LIMITS, dag: DAG_LIMITS };

/**
 * One context's verified replica: the gate every op passes before it touches the DAG
 * or the state. Pure apart from the async signature checks. `proofs` lets contract-account
 * proofs be checked on their chain (an RPC); without it they are unverifiable and refused,
 * as everywhere. The handshake of the context's links checks with the same `proofs`.
 */
function neverCounts(c: CheckedOp): string {
  switch (c.op.body.kind) {
    case 'add-device':
      return "the new device's root never joined this context in its past";
    case 'join':
      return "the invite's signer was never introduced to this context in its past";
    default:
      return 'its author key was never introduced to this context in its past';
  }
}

/**
 * The replica's `ring` holds the epoch keys this node holds for the context
 * (docs/decisions/epoch-keys.md), each checked against its key op's commitment; a sealed delta
 * under a key not held stays sealed — kept, stored, relayed, judged, not applied — until
 * `learnKeys` brings its key.
 */
export function createReplica(contextId: Uint8Array, sink: StateSink, proofs: ProofOptions = {}, limits: ReplicaLimits = DEFAULT_LIMITS) {
  const dag = createDag(limits.dag);
  const evaluator = createEvaluator();
  // A key is checked against the commitment of its key op only once that op is here and valid.
  const ring = createEpochKeyRing(contextId, (keyOp) => {
    const body = dag.get(keyOp)?.op.body;
    if (!body || evaluator.verdict(keyOp)?.valid !== true) return undefined;
    return body.kind === 'rotate-epoch' || body.kind === 'genesis' ? body.keyCommit : undefined;
  });
  const deltas = createDeltaReader(contextId, ring);
  const history = createHistory(dag, (key) => evaluator.verdict(key)?.valid === true);
  const contextKey = idKey(contextId);
  const verifier = proofs.signatures ?? inlineBatchVerifier;
  /** Refused ops still in the DAG: key -> [author, bytes]. */
  const refused = new Map<string, [string, number]>();
  const refusedByAuthor = new Map<string, number>();
  let refusedBytes = 0;
  /** Ops checked so far by the receive under way (for catch-up progress between its chunks). */
  let receiving = 0;
  /** Counts receives that changed the DAG or verdicts: what views derived from them are keyed on. */
  let changes = 0;
  /** Ops in the DAG whose verdict is invalid, kept up to date per receive (views list them without walking the DAG). */
  const invalid = new Set<string>();

  function trackVerdict(key: string): void {
    if (dag.has(key) && evaluator.verdict(key)?.valid === false) invalid.add(key);
    else invalid.delete(key);
  }
  /**
   * The chain the genesis binds (null: none), for checking anchored revocations' evidence.
   * Undefined until the genesis is seen; its id is its content's hash, so any copy with the
   * context id tells it, even one whose signature fails.
   */
  let binding: KnownBinding;

  function learnBinding(ops: Iterable<Op>): void {
    if (binding !== undefined) return;
    for (const op of ops) {
      if (op.body.kind !== 'genesis' || idKey(op.id) !== contextKey) continue;
      binding = genesisBinding(op) ?? null;
      return;
    }
  }

  /** Valid deltas this node can read (sealed ones opened under keys held), in DAG order. */
  function validDeltas(): [string, Uint8Array][] {
    const out: [string, Uint8Array][] = [];
    for (const c of dag.all()) {
      if (!isDeltaKind(c.op.body.kind) || !evaluator.verdict(c.key)?.valid) continue;
      const body = deltas.read(c);
      if (body) out.push([c.key, body.update]);
    }
    return out;
  }

  /** A valid delta into state, if this node can read it (else it waits for its key, or is unreadable). Whether it went in. */
  function applyDelta(c: CheckedOp): boolean {
    const body = deltas.read(c);
    if (!body) return false;
    sink.apply(c.key, body.update);
    return true;
  }

  function isDelta(key: string): boolean {
    const kind = dag.get(key)?.op.body.kind;
    return kind !== undefined && isDeltaKind(kind);
  }

  /**
   * A key op that is now valid: keys offered for it are checked against its commitment, and a
   * rotation's `previous` (the keys it replaces) opens once its own key is held. Only valid
   * ops feed keys: a refused rotation's chain is never opened. Returns key ops newly held.
   */
  function keyOpValid(c: CheckedOp): string[] {
    const body = c.op.body;
    if (body.kind === 'rotate-epoch') return [...ring.committed(c.key), ...ring.notePrevious(c.key, body.previous)];
    if (body.kind === 'genesis' && body.keyCommit) return ring.committed(c.key);
    return [];
  }

  /**
   * Verdicts flipped: follow them in the state (a lost validity rebuilds it). `held`: key ops
   * newly held by the op just taken; the deltas waiting for them are applied here too.
   */
  function follow(flipped: string[], result: ReceiveResult, held: string[] = []): boolean {
    for (const k of flipped) {
      const c = dag.get(k);
      if (c && evaluator.verdict(k)?.valid) held.push(...keyOpValid(c));
    }
    if (flipped.length === 0) {
      openHeld(held);
      return false;
    }
    result.flipped.push(...flipped);
    const lostValidity = flipped.some((k) => !evaluator.verdict(k)?.valid && isDelta(k));
    if (lostValidity) {
      // The rebuild reads every valid delta, those waiting for these keys included.
      deltas.release(held);
      sink.rebuild(validDeltas());
      result.rebuilt = true;
      return true;
    }
    for (const k of flipped) {
      const c = dag.get(k);
      if (c && isDeltaKind(c.op.body.kind) && evaluator.verdict(k)?.valid) applyDelta(c);
    }
    openHeld(held);
    return false;
  }

  /** One op whose parents are all in: judge it, apply it, and follow any flips. */
  function take(c: CheckedOp, result: ReceiveResult): void {
    const { verdict: v, flipped } = evaluator.add(c);
    result.added.push(c);
    if (follow(flipped, result, v.valid ? keyOpValid(c) : [])) return;
    if (v.valid && isDeltaKind(c.op.body.kind)) applyDelta(c);
  }

  /** Keys newly held: the valid deltas waiting for them go into state (Yjs updates commute). */
  function openHeld(keyOps: string[]): number {
    let applied = 0;
    for (const key of deltas.release(keyOps)) {
      const c = dag.get(key);
      if (c && evaluator.verdict(key)?.valid && applyDelta(c)) applied++;
    }
    if (applied) changes++;
    return applied;
  }

  /** Whose budget a refused op counts against: its author's root. */
  function ownerOf(c: CheckedOp): string {
    return c.delegation?.root ?? evaluator.rootOfKey(c.author) ?? c.author;
  }

  function keepRefused(c: CheckedOp): void {
    const owner = ownerOf(c);
    refused.set(c.key, [owner, c.bytes.length]);
    refusedByAuthor.set(owner, (refusedByAuthor.get(owner) ?? 0) + c.bytes.length);
    refusedBytes += c.bytes.length;
  }

  function forgetRefused(key: string): void {
    const entry = refused.get(key);
    if (!entry) return;
    refused.delete(key);
    refusedBytes -= entry[1];
    const left = (refusedByAuthor.get(entry[0]) ?? 0) - entry[1];
    if (left > 0) refusedByAuthor.set(entry[0], left);
    else refusedByAuthor.delete(entry[0]);
  }

  /**
   * New ops that are not history are kept within their author's and the total budget; past
   * it they leave the DAG again (newest first, so children go before parents). Returns the
   * verdicts that flipped because they left.
   */
  function keepWithinBudget(result: ReceiveResult, sourceRoot: string | undefined): string[] {
    const over: CheckedOp[] = [];
    for (const c of result.added) {
      if (history.has(c.key)) continue;
      const owner = ownerOf(c);
      const own = sourceRoot === undefined || owner === sourceRoot;
      const author = refusedByAuthor.get(owner) ?? 0;
      if ((own && author + c.bytes.length > limits.refused.perAuthorBytes) || refusedBytes + c.bytes.length > limits.refused.totalBytes) over.push(c);
      else keepRefused(c);
    }
    const removed = new Set<string>();
    const flipped: string[] = [];
    for (const c of over.reverse()) {
      // A refused op that a kept op of this batch builds on has to stay.
      if (!dag.removeLeaf(c.key)) {
        keepRefused(c);
        continue;
      }
      removed.add(c.key);
      const changed = evaluator.remove(c.key);
      flipped.push(...changed);
      follow(changed, result);
      result.rejected.push({ key: c.key, reason: 'over-budget', message: "the rules refuse it, and this node already keeps as many of its author's refused ops as it will", bytes: c.bytes.length });
    }
    if (removed.size) result.added = result.added.filter((c) => !removed.has(c.key));
    return flipped;
  }

  /** One copy per author key: thousands of ops by a few authors need not each hold its key twice. */
  const authors = new Map<string, { bytes: Uint8Array; key: string }>();

  /**
   * Heap per op held (docs/decisions/stored-verdicts.md): an op's context, author and parent
   * ids are equal to bytes held already (the context id, the author's earlier ops, the
   * parents' own ids), so it points at those instead of holding copies of its own.
   */
  function share(c: CheckedOp): CheckedOp {
    const op = c.op;
    c.key = sink.sharedKey?.(c.key) ?? c.key;
    const context = op.body.kind !== 'genesis' && bytesEqual(op.context, contextId) ? contextId : op.context;
    let author = authors.get(c.author);
    if (author) c.author = author.key;
    else authors.set(c.author, (author = { bytes: op.author, key: c.author }));
    // Parents already held lend their id bytes and key strings (computed once here for the
    // DAG, evaluator and history: parentKeys).
    const parents: Uint8Array[] = new Array(op.parents.length);
    const keys: string[] = new Array(op.parents.length);
    let joins = true;
    for (let i = 0; i < op.parents.length; i++) {
      const key = idKey(op.parents[i]!);
      const held = dag.get(key);
      parents[i] = held ? held.op.id : op.parents[i]!;
      keys[i] = held ? held.key : key;
      if (!held) joins = false;
    }
    c.parentKeys = keys;
    // An op whose parents are all held joins the history now, for as long as the context is
    // open: its id goes into a shared slab. One that waits for parents (and may be dropped
    // while it waits) keeps its own buffer, so it never keeps a slab alive.
    const id = joins ? holdId(op.id) : op.id;
    // A new object rather than the decoded one changed field by field: a load decodes a whole
    // batch before sharing any, and changing each decoded object's fields costs V8 a
    // migration of each (several µs an op, measured on 100k ops).
    c.op = { context, parents, author: author.bytes, time: op.time, body: op.body, id, signature: op.signature };
    return c;
  }

  /**
   * A sealed op as checkIntrinsic would pass it (synchronously: no promise per op on a large
   * load); one that does not decode so is checked in full.
   */
  function trustedCheck(op: Op, bytes: Uint8Array): Awaited<ReturnType<typeof checkIntrinsic>> | ReturnType<typeof checkIntrinsic> {
    try {
      return { ok: true, checked: trustedCheckedOp(op, bytes) };
    } catch {
      return checkIntrinsic(op, contextId, proofs, bytes, binding);
    }
  }

  /** Intrinsic checks of a chunk of decoded ops, signatures through the batch verifier. */
  async function checkChunk(chunk: Fresh[], trusted: ((op: Op, key: string) => boolean) | undefined) {
    // Ops this node sealed as verified skip the checks (docs/decisions/stored-verdicts.md).
    const sealed = chunk.map(({ op, key }) => trusted?.(op, key) === true);
    const checks = chunk.filter((_, i) => !sealed[i]).map(({ op }) => opSignatureCheck(op));
    // A verifier that fails as a whole (a broken pool) costs speed, never verdicts.
    const verifying = checks.length ? verifier.verify(checks).catch(() => inlineBatchVerifier.verify(checks)) : Promise.resolve([]);
    // While the signatures are checked off this thread, this thread checks the deltas'
    // layouts: checkIntrinsic then finds them passed (remembered by identity), so the two
    // overlap instead of following each other. A failure is found again there, and refused.
    for (const [i, { op }] of chunk.entries()) if (!sealed[i]) precheckLayout(op);
    const signatures = await verifying;
    let next = 0;
    return Promise.all(chunk.map(({ op, bytes }, i) => (sealed[i] ? trustedCheck(op, bytes) : checkIntrinsic(op, contextId, proofs, bytes, binding, signatures[next++] === true))));
  }

  /** Checked ops of one chunk into the DAG, verdicts and state, strictly in order. */
  function takeChunk(chunk: Fresh[], verdicts: Awaited<ReturnType<typeof checkChunk>>, dropped: Set<string>, result: ReceiveResult, source: string | undefined): void {
    for (const [i, verdict] of verdicts.entries()) {
      const { op, bytes } = chunk[i]!;
      if (!verdict.ok) {
        result.rejected.push({ key: idKey(op.id), reason: verdict.reason, message: verdict.message, bytes: bytes.length });
        continue;
      }
      for (const c of dag.add(share(verdict.checked!), source)) {
        // An op its causal past can never make valid (a key nobody introduced, a device of
        // a root that never joined, a join on an invite by a key nobody introduced) is not
        // kept at all, nor what was built on it.
        const builtOnDropped = parentKeys(c).some((p) => dropped.has(p));
        if (builtOnDropped || !evaluator.canEverCount(c)) {
          dropped.add(c.key);
          result.rejected.push({ key: c.key, reason: 'unknown-key', message: builtOnDropped ? 'it builds on an op by a key this context never introduced' : neverCounts(c), bytes: c.bytes.length });
          continue;
        }
        take(c, result);
      }
    }
  }

  return {
    contextId,
    contextKey,
    proofs,
    dag,
    evaluator,

    /**
     * Verify and take in ops (bytes from the wire or storage, or ops made here). `source`
     * names who delivered them (a link id), for the per-source bounds; `sourceRoot` whose
     * node it is (its own refused ops count against its root's budget). `trusted` (loading
     * from this node's own store only) names ops it verified before, whose seal checked out:
     * their signatures and certificates are not checked again (docs/decisions/stored-verdicts.md).
     */
    async receive(inputs: (Uint8Array | Op)[], source?: string, sourceRoot?: string, trusted?: (op: Op, key: string) => boolean): Promise<ReceiveResult> {
      const result: ReceiveResult = { added: [], accepted: [], rejected: [], flipped: [], rebuilt: false };
      // Decode, then check signatures chunk by chunk through the batch verifier (in parallel
      // where it can), taking ops in one by one: DAG, verdicts and state stay strictly sequential.
      const seen = new Set<string>();
      let read = 0;
      /** Up to `limit` more ops of `inputs` not held yet, decoded (one that does not decode is refused). */
      const decodeNext = (limit: number): Fresh[] => {
        const out: Fresh[] = [];
        while (read < inputs.length && out.length < limit) {
          const input = inputs[read++]!;
          let op: Op;
          // What the replica keeps of an op is its bytes and the op decoded as views into them.
          const bytes = input instanceof Uint8Array ? ownBytes(input) : undefined;
          try {
            op = bytes ? decodeOp(bytes) : (input as Op);
          } catch (e) {
            const message = e instanceof DecodeError ? e.message : String(e);
            result.rejected.push({ reason: 'malformed', message: `undecodable op: ${message}`, bytes: (input as Uint8Array).length });
            continue;
          }
          const key = idKey(op.id);
          if (dag.has(key) || seen.has(key)) continue;
          seen.add(key);
          out.push({ op, key, bytes: bytes ?? encodeOp(op) });
        }
        return out;
      };
      // Until the genesis is known, the batch is decoded whole first: the genesis, wherever it
      // sits, names the chain binding some checks use. After, each chunk is decoded while the
      // one before is checked off this thread.
      const ahead = binding === undefined ? decodeNext(Infinity) : [];
      learnBinding(ahead.map((f) => f.op));
      let taken = 0;
      const nextChunk = (): Fresh[] => (taken < ahead.length ? ahead.slice(taken, (taken += RECEIVE_LIMITS.chunkOps)) : decodeNext(RECEIVE_LIMITS.chunkOps));
      // Chunks: the next chunk's signatures are checked (off this thread, with a pool) while
      // this one enters the DAG, and each wait lets the page breathe during a long catch-up.
      const dropped = new Set<string>();
      receiving = 0;
      let chunk = nextChunk();
      let checking = chunk.length ? checkChunk(chunk, trusted) : undefined;
      while (chunk.length) {
        const following = nextChunk();
        const verdicts = await checking!;
        checking = following.length ? checkChunk(following, trusted) : undefined;
        takeChunk(chunk, verdicts, dropped, result, source);
        receiving += chunk.length;
        chunk = following;
      }
      receiving = 0;
      for (const key of [...dropped].reverse()) dag.removeLeaf(key);
      const joined = history.update([...result.added.map((c) => c.key), ...result.flipped]);
      const flippedByBudget = keepWithinBudget(result, sourceRoot);
      if (flippedByBudget.length) joined.push(...history.update(flippedByBudget));
      for (const key of joined) forgetRefused(key);
      result.accepted = dag.parentsFirst([...new Set(joined)]).map((k) => dag.get(k)!);
      for (const c of result.added) trackVerdict(c.key);
      for (const key of result.flipped) trackVerdict(key);
      if (result.added.length || result.flipped.length) changes++;
      return result;
    },

    verdict: (key: string): OpVerdict | undefined => evaluator.verdict(key),
    /** The epoch keys held for this context. */
    ring,
    /**
     * Keys opened from boxes or the store (asynchronously, by whoever holds the box key): held
     * from now on if they match their key op's commitment (once that op is here and valid),
     * with every key their rotations carry; the deltas waiting for them are applied. Returns
     * how many deltas that applied; throws the first bad key's error after taking the rest.
     */
    learnKeys(keys: { keyOp: string; key: Uint8Array }[]): number {
      // One key that throws (a wrong size) must not strand the deltas the others release.
      const held: string[] = [];
      let failure: { error: unknown } | undefined;
      for (const k of keys) {
        try {
          held.push(...ring.learn(k.keyOp, k.key));
        } catch (error) {
          failure ??= { error };
        }
      }
      const applied = openHeld(held);
      if (failure) throw failure.error;
      return applied;
    },
    /** A delta's body if this node can read it: clear, or sealed under a key held (and well-formed). */
    deltaBody: deltas.read,
    /** Sealed deltas whose key this node does not hold (yet): kept and relayed, not applied. */
    sealedCount: () => deltas.heldCount(),
    /** Sealed deltas that did not open under their key or broke the state layout: never in state. */
    unreadableOps: (): { key: string; reason: 'unreadable'; message: string }[] => deltas.unreadable(),
    /** The epoch key an op with these parents must seal under (none: a plaintext context). */
    epochKeyAt: (parents: Uint8Array[]) => evaluator.epochKeyAt(parents),
    /** Valid ops no valid op descends from: what a new op names as its parents. */
    heads: () => history.heads(),
    /**
     * Parents for an op made here: the heads, at most as many as an op may name. Heads left
     * out stay heads and are merged by the next op.
     */
    parents: (): Uint8Array[] => history.headsOldestFirst().slice(0, OP_LIMITS.parents).map((k) => dag.get(k)!.op.id),
    /** Whether an op is part of the history (stored, relayed, built on). */
    inHistory: (key: string) => history.has(key),
    historySize: () => history.size(),
    /** Ops the receive under way has checked so far (0 between receives): advisory progress. */
    receivingOps: () => receiving,
    changes: () => changes,
    refusedBytes: () => refusedBytes,
    governance: () => evaluator.current(),
    /** The same object while `governance()` is unchanged (cache what is derived from it on this). */
    governanceVersion: () => evaluator.currentVersion(),

    /** The ops whose verdict is invalid, in DAG order (parents first). O(invalid ops), not O(DAG). */
    invalidOps: (): CheckedOp[] => dag.parentsFirst([...invalid]).map((k) => dag.get(k)!),
    /** Whether an op is in the DAG at all (history or refused). */
    hasOp: (key: string) => dag.has(key),
    /** Whether an op is here and valid. */
    isValidOp: (key: string) => evaluator.verdict(key)?.valid === true,
    /**
     * Governance after an op (its causal past plus itself) when it is history and valid, else
     * undefined. Cheap: the evaluator caches states per causal past; this copies one.
     */
    governanceAt(opKey: string): GovState | undefined {
      if (!history.has(opKey)) return undefined;
      const s = evaluator.stateAfter(opKey);
      return s && cloneGovState(s);
    },
    /** memberSetRoot() of the governance after an op (what an anchor at it states), if valid history. */
    memberRootAt(opKey: string): Hash32 | undefined {
      if (!history.has(opKey)) return undefined;
      const s = evaluator.stateAfter(opKey);
      return s && memberSetRoot(s);
    },
    /** The valid governance op last in canonical order. */
    latestGovernanceKey: (): string | undefined => evaluator.latestGovernance(),
    /** Valid governance ops not in an op's causal past (0: an anchor at it covers all governance). */
    governanceOutside: (opKey: string): number | undefined => evaluator.governanceOutside(opKey),
    /** The chain the genesis binds: the binding, null for none, undefined before the genesis is here. */
    binding: (): KnownBinding => binding,
  };
}

export type Replica = ReturnType<typeof createReplica>;

/** A plain delta's layout check, ahead of its turn (checkStateUpdate remembers a pass); a failure is left to checkIntrinsic. */
function precheckLayout(op: Op): void {
  if (op.body.kind !== 'delta') return;
  try {
    checkStateUpdate(op.body.update);
  } catch {
    // Refused with its reason by checkIntrinsic.
  }
}
