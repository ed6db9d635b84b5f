import type { RootId } from '../identity/index.ts';
import { compareIds, idKey } from '../ops/op.ts';
import { ancestors as walkAncestors } from '../dag/ancestors.ts';
import { roleRank, type Role } from '../ops/roles.ts';
import { toHex } from '../crypto/index.ts';
import { parentKeys, type CheckedOp } from './checkedOp.ts';
import { apply, authorOrigin, authorRoot, isEpochKeyOp, isGovernance, judge, requiredRole, type Refusal } from './rules.ts';
import { cloneGovState, emptyGovState, type EpochKeyRef, type GovState } from './state.ts';

/** Refusals the concurrency rule adds to those of `judge`. */
export type ConcurrencyRefusal = 'removed-concurrently' | 'demoted-concurrently' | 'key-revoked-concurrently' | 'invite-revoked' | 'origin-removed-concurrently';

export type OpVerdict = { valid: true } | { valid: false; reason: Refusal['reason'] | ConcurrencyRefusal; message: string };

interface Entry {
  c: CheckedOp;
  depth: number;
  /** Bits of the governance ops in this op's strict causal past. */
  govPast: bigint;
  /** This op's own bit, for governance ops. */
  bit: bigint;
  verdict: OpVerdict;
}

/** What an authority-reducing op takes away, and from whom. */
interface Reduction {
  root?: RootId;
  key?: string;
  invite?: string;
  /** Sites no longer allowed: ops of keys delegated there (or registering such a key) are affected. */
  origins?: ReadonlySet<string>;
  /** Ops needing more than this role are affected; undefined: every op of the root. */
  keeps?: Role;
  reason: ConcurrencyRefusal;
  /**
   * A removal also beats concurrent joins of the removed root, and joins with invites it
   * used (in the removal's causal past) or issued: a removed member keeps no way back in.
   */
  joins?: { invitesUsed: ReadonlySet<string> };
}

const MAX_FIXPOINT_ROUNDS = 8;
const VALID: OpVerdict = { valid: true };

/**
 * Decides which ops of a context's DAG are valid. Pure and deterministic: the verdicts are
 * a function of the set of ops, whatever order they were added in. Rules
 * (docs/governance.md):
 * 1. an op is judged against the governance state of its causal past;
 * 2. an authority-reducing op (remove, leave, demotion, key revocation, invite revocation)
 *    beats every concurrent op it affects; two that reduce each other: the author with the
 *    higher role wins, then the op earlier in (depth, id) order.
 * Ops are added once all their parents are present.
 */
export function createEvaluator() {
  const entries = new Map<string, Entry>();
  /** Governance ops in (depth, id) order: a topological order every peer agrees on. */
  const govOrder: Entry[] = [];
  const deltas = new Set<Entry>();
  let stateCache = new Map<bigint, GovState>();
  const ancestorCache = new Map<string, Set<string>>();
  let reductions: { by: Entry; r: Reduction }[] = [];
  /** Per client key (hex): the bits of the ops that introduce it (genesis, add-device, join), valid or not. */
  const introductions = new Map<string, bigint>();
  /** Per root: the bits of the ops that make it a member (genesis, join), valid or not. */
  const memberships = new Map<string, bigint>();
  /** The root each introduced key acts for. */
  const keyRoots = new Map<string, RootId>();
  /**
   * Bits of removed ops, for reuse: only refused leaves are removed, so no live op has one
   * in its causal past, and masks stay as wide as the ops held.
   */
  const freeBits: bigint[] = [];
  let nextBit = 0;

  function index(c: CheckedOp, bit: bigint, on: boolean): void {
    const mark = (map: Map<string, bigint>, key: string) => map.set(key, on ? (map.get(key) ?? 0n) | bit : (map.get(key) ?? 0n) & ~bit);
    if (introduces(c)) {
      mark(introductions, c.author);
      if (on) keyRoots.set(c.author, c.delegation!.root);
    }
    if (c.op.body.kind === 'genesis' || c.op.body.kind === 'join') mark(memberships, c.delegation!.root);
  }

  /** Every governance op, as a mask (the state after all of them). */
  function allGovernance(): bigint {
    let all = 0n;
    for (const e of govOrder) all |= e.bit;
    return all;
  }

  function stateAt(mask: bigint): GovState {
    let s = stateCache.get(mask);
    if (s) return s;
    s = emptyGovState();
    for (const e of govOrder) if (e.verdict.valid && (mask & e.bit) !== 0n) apply(e.c, s);
    stateCache.set(mask, s);
    return s;
  }

  function ancestors(e: Entry): Set<string> {
    let set = ancestorCache.get(e.c.key);
    if (set) return set;
    set = walkAncestors(parentKeys(e.c), (k) => parentKeys(entries.get(k)!.c));
    ancestorCache.set(e.c.key, set);
    return set;
  }

  function reductionOf(e: Entry, s: GovState): Reduction | undefined {
    const body = e.c.op.body;
    switch (body.kind) {
      case 'remove':
        return { root: body.member, reason: 'removed-concurrently', joins: { invitesUsed: new Set(s.joinedWith.get(body.member)) } };
      case 'leave': {
        const root = authorRoot(e.c, s);
        return root && { root, reason: 'removed-concurrently' };
      }
      case 'set-role':
        return { root: body.member, keeps: body.role, reason: 'demoted-concurrently' };
      case 'revoke-key':
        return { key: idKey(e.c.revocation!.clientKey), reason: 'key-revoked-concurrently' };
      case 'anchored-revoke-key':
        return { key: idKey(body.clientKey), reason: 'key-revoked-concurrently' };
      case 'revoke-invite':
        return { invite: idKey(body.invite), reason: 'invite-revoked' };
      case 'set-origins':
        return body.remove.length ? { origins: new Set(body.remove), reason: 'origin-removed-concurrently' } : undefined;
      default:
        return undefined;
    }
  }

  function affects(r: Reduction, target: Entry, s: GovState): boolean {
    // An imported chain revocation stands on the chain's word, not its courier's authority:
    // removing or revoking the member who carried it concurrently does not undo it.
    if (target.c.op.body.kind === 'anchored-revoke-key') return false;
    if (r.key !== undefined) return target.c.author === r.key;
    if (r.invite !== undefined) return target.c.invite?.id === r.invite;
    if (r.origins !== undefined) {
      const origin = authorOrigin(target.c, s);
      return origin !== undefined && r.origins.has(origin);
    }
    if (r.root === undefined) return false;
    const invite = target.c.invite;
    if (invite && r.joins) {
      if (authorRoot(target.c, s) === r.root || r.joins.invitesUsed.has(invite.id)) return true;
      return s.keys.get(toHex(invite.claims.inviterKey))?.root === r.root;
    }
    if (authorRoot(target.c, s) !== r.root) return false;
    if (target.c.op.body.kind === 'join') return false; // a join concurrent with a leave is a fresh admission
    return r.keeps === undefined || roleRank(requiredRole(target.c)) > roleRank(r.keeps);
  }

  function concurrentGov(a: Entry, b: Entry): boolean {
    return (a.govPast & b.bit) === 0n && (b.govPast & a.bit) === 0n;
  }

  /** Which of two mutually reducing ops stands: higher author role, then earlier order. */
  function beats(a: Entry, b: Entry): boolean {
    const ra = roleOfAuthor(a);
    const rb = roleOfAuthor(b);
    if (ra !== rb) return ra > rb;
    return govOrder.indexOf(a) < govOrder.indexOf(b);
  }

  function roleOfAuthor(e: Entry): number {
    const s = stateAt(e.govPast);
    const role = s.members.get(authorRoot(e.c, s)!)?.role;
    return role ? roleRank(role) : -1;
  }

  function evaluateGovernance(): void {
    let vetoes = new Map<Entry, ConcurrencyRefusal>();
    for (let round = 0; round < MAX_FIXPOINT_ROUNDS; round++) {
      stateCache = new Map();
      const uses = new Map<string, number>();
      const passed = new Set<Entry>();
      for (const e of govOrder) {
        const refusal = judge(e.c, stateAt(e.govPast)) ?? exhausted(e, uses);
        if (refusal) {
          e.verdict = { valid: false, ...refusal };
          continue;
        }
        passed.add(e);
        const veto = vetoes.get(e);
        e.verdict = veto ? { valid: false, reason: veto, message: vetoMessage(veto) } : VALID;
        if (e.verdict.valid && e.c.invite) uses.set(e.c.invite.id, (uses.get(e.c.invite.id) ?? 0) + 1);
      }
      const next = new Map<Entry, ConcurrencyRefusal>();
      reductions = [];
      for (const y of govOrder) {
        if (!y.verdict.valid) continue;
        const r = reductionOf(y, stateAt(y.govPast));
        if (!r) continue;
        reductions.push({ by: y, r });
        for (const x of passed) {
          if (x === y || !concurrentGov(x, y) || !affects(r, x, stateAt(x.govPast))) continue;
          const counter = reductionOf(x, stateAt(x.govPast));
          if (counter && affects(counter, y, stateAt(y.govPast)) && beats(x, y)) continue;
          next.set(x, r.reason);
        }
      }
      if (sameVetoes(vetoes, next)) return;
      vetoes = next;
    }
  }

  function exhausted(e: Entry, uses: Map<string, number>): Refusal | undefined {
    const invite = e.c.invite;
    if (!invite || (uses.get(invite.id) ?? 0) < invite.claims.maxUses) return undefined;
    return { reason: 'invite-exhausted', message: 'the invite was used up by concurrent joins' };
  }

  function evaluateDelta(e: Entry): void {
    const s = stateAt(e.govPast);
    const refusal = judge(e.c, s);
    if (refusal) {
      e.verdict = { valid: false, ...refusal };
      return;
    }
    for (const { by, r } of reductions) {
      if ((e.govPast & by.bit) !== 0n || !affects(r, e, s)) continue;
      if (ancestors(by).has(e.c.key)) continue;
      e.verdict = { valid: false, reason: r.reason, message: vetoMessage(r.reason) };
      return;
    }
    e.verdict = VALID;
  }

  /** Judge everything again (governance changed); the keys whose validity flipped, `except` aside. */
  function reevaluate(except: Entry | undefined): string[] {
    const before = new Map([...entries.values()].map((x) => [x.c.key, x.verdict.valid]));
    evaluateGovernance();
    for (const d of deltas) evaluateDelta(d);
    return [...entries.values()].filter((x) => x !== except && before.get(x.c.key) !== x.verdict.valid).map((x) => x.c.key);
  }

  function pastOf(parents: readonly Uint8Array[]): bigint {
    return pastOfKeys(parents.map(idKey));
  }

  function pastOfKeys(parents: readonly string[]): bigint {
    let mask = 0n;
    for (const p of parents) {
      const e = entries.get(p);
      if (e) mask |= e.govPast | e.bit;
    }
    return mask;
  }

  return {
    has: (key: string) => entries.has(key),

    /**
     * Whether an op (whose parents were added) could ever be valid, as far as who made it
     * goes: its author key was introduced in its causal past — or, for the ops that
     * introduce one, an `add-device`'s root joined in its past and a `join`'s inviter key was
     * introduced in its past. Whatever arrives later, an op failing this stays invalid (the
     * causal past of an op never changes), so it need not be kept.
     */
    canEverCount(c: CheckedOp): boolean {
      const body = c.op.body;
      if (body.kind === 'genesis') return true;
      const past = pastOfKeys(parentKeys(c));
      if (body.kind === 'add-device') return (past & (memberships.get(c.delegation!.root) ?? 0n)) !== 0n;
      if (body.kind === 'join') return (past & (introductions.get(toHex(body.invite.claims.inviterKey)) ?? 0n)) !== 0n;
      return (past & (introductions.get(c.author) ?? 0n)) !== 0n;
    },

    /** The root an introduced key acts for (refused ops are budgeted per root). */
    rootOfKey: (key: string): RootId | undefined => keyRoots.get(key),

    /**
     * Add an op whose parents were all added before. Returns the keys of earlier ops whose
     * verdict changed because of it (a late governance op can flip earlier verdicts).
     */
    add(c: CheckedOp): { verdict: OpVerdict; flipped: string[] } {
      if (entries.has(c.key)) return { verdict: entries.get(c.key)!.verdict, flipped: [] };
      let depth = 0;
      let govPast = 0n;
      for (const p of parentKeys(c)) {
        const parent = entries.get(p);
        if (!parent) throw new Error(`parent ${p} of ${c.key} was not added first`);
        depth = Math.max(depth, parent.depth + 1);
        govPast |= parent.govPast | parent.bit;
      }
      const e: Entry = { c, depth, govPast, bit: 0n, verdict: VALID };
      entries.set(c.key, e);
      if (!isGovernance(c)) {
        deltas.add(e);
        evaluateDelta(e);
        return { verdict: e.verdict, flipped: [] };
      }
      // Bits go out in arrival order; only set membership matters, never bit positions.
      e.bit = freeBits.pop() ?? 1n << BigInt(nextBit++);
      insertSorted(govOrder, e);
      index(c, e.bit, true);
      return { verdict: e.verdict, flipped: reevaluate(e) };
    },

    /**
     * Take out an op no other op names as a parent (a refused op past its budget). Returns
     * the keys of ops whose verdict changed because it is gone.
     */
    remove(key: string): string[] {
      const e = entries.get(key);
      if (!e) return [];
      entries.delete(key);
      ancestorCache.delete(key);
      if (!isGovernance(e.c)) {
        deltas.delete(e);
        return [];
      }
      govOrder.splice(govOrder.indexOf(e), 1);
      index(e.c, e.bit, false);
      freeBits.push(e.bit);
      return reevaluate(undefined);
    },

    verdict: (key: string): OpVerdict | undefined => entries.get(key)?.verdict,

    /** Governance after every valid op: what the UI shows as members and roles. */
    current(): GovState {
      return cloneGovState(stateAt(allGovernance()));
    },

    /**
     * An opaque token, the same object while governance after every valid op is unchanged (a
     * delta leaves it so): what is derived from `current()` can be cached on it.
     */
    currentVersion(): object {
      return stateAt(allGovernance());
    },

    /** Governance in the causal past of an op with these parents (e.g. one about to be created). */
    stateAtParents(parents: Uint8Array[]): GovState {
      return cloneGovState(stateAt(pastOf(parents)));
    },

    /** The epoch key of an op with these parents (`GovState.epochKey` of its causal past): what a sealed delta must use. */
    epochKeyAt(parents: Uint8Array[]): EpochKeyRef | undefined {
      return stateAt(pastOf(parents)).epochKey;
    },

    /**
     * Governance after a valid op (its causal past plus itself), or undefined for an op absent
     * or invalid. Shared with the evaluator's cache: do not change it. Cost: one pass over the
     * governance ops the first time a causal past is asked for, then a lookup until the next
     * governance op arrives.
     */
    stateAfter(key: string): Readonly<GovState> | undefined {
      const e = entries.get(key);
      if (!e?.verdict.valid) return undefined;
      return stateAt(e.govPast | e.bit);
    },

    /**
     * The valid governance op last in canonical order (what an anchor certifies when nothing
     * is concurrent). Epoch key ops are left out: they change no member or role, and
     * anchoring each rotation on chain would cost a transaction for nothing it states.
     */
    latestGovernance(): string | undefined {
      for (let i = govOrder.length - 1; i >= 0; i--) if (govOrder[i]!.verdict.valid && !isEpochKeyOp(govOrder[i]!.c)) return govOrder[i]!.c.key;
      return undefined;
    },

    /** How many valid governance ops (epoch key ops aside) are outside an op's causal past and itself (not covered by an anchor at it). */
    governanceOutside(key: string): number | undefined {
      const e = entries.get(key);
      if (!e) return undefined;
      const mask = e.govPast | e.bit;
      let n = 0;
      for (const g of govOrder) if (g.verdict.valid && (mask & g.bit) === 0n && !isEpochKeyOp(g.c)) n++;
      return n;
    },

    size: () => entries.size,
  };
}

export type Evaluator = ReturnType<typeof createEvaluator>;

function introduces(c: CheckedOp): boolean {
  const kind = c.op.body.kind;
  return kind === 'genesis' || kind === 'add-device' || kind === 'join';
}

function insertSorted(list: Entry[], e: Entry): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = list[mid]!;
    const before = m.depth < e.depth || (m.depth === e.depth && compareIds(m.c.op.id, e.c.op.id) < 0);
    if (before) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, e);
}

function sameVetoes(a: Map<Entry, string>, b: Map<Entry, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function vetoMessage(reason: ConcurrencyRefusal): string {
  switch (reason) {
    case 'removed-concurrently':
      return 'its author was removed by a concurrent op';
    case 'demoted-concurrently':
      return "its author's role was lowered by a concurrent op";
    case 'key-revoked-concurrently':
      return 'its author key was revoked by a concurrent op';
    case 'invite-revoked':
      return 'the invite was revoked by a concurrent op';
    case 'origin-removed-concurrently':
      return "the site its author key's delegation was signed for was removed from the allowed origins by a concurrent op";
  }
}

