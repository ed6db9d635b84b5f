import type { ReceiveResult, Replica } from '../../../core/context/replica.ts';
import { toHex } from '../../../core/crypto/index.ts';
import { grantBody, keysToCarry, rotationBody, type OpenedKey } from '../../../core/epochs/boxes.ts';
import { entitledBoxKeys, holdsThroughInvite, KEY_OP_ROLE } from '../../../core/epochs/entitled.ts';
import { planRepair, type Repair } from '../../../core/epochs/repair.ts';
import type { GovState } from '../../../core/governance/state.ts';
import type { RootId } from '../../../core/identity/index.ts';
import type { Scheduler } from '../../../core/mesh/Scheduler.ts';
import type { OpBody } from '../../../core/ops/op.ts';
import { atLeast } from '../../../core/ops/roles.ts';
import { singleFlight } from '../../../core/tasks/singleFlight.ts';
import type { OpOutcome } from '../view.ts';
import { ContextClosedError } from './closedGate.ts';
import type { SignAt } from './publishing.ts';

/** When repairs run (docs/decisions/epoch-keys.md, "When to rotate"). */
export const EPOCH_TIMINGS = {
  /**
   * Another member's removal, revocation or leave left unanswered: wait a random time in this
   * range before rotating, so the reducing op's author (who rotates at once) usually answers
   * alone. Duplicates are harmless: they settle to one key.
   */
  rotateAfterMs: [1500, 4000],
  /** A device or invite lacking the current key: a random wait before granting (others may). */
  grantAfterMs: [300, 1500],
  /**
   * A joiner whose invite was granted the key grants its own device as part of joining: others
   * wait this long before doing it for it (a fallback), so one join makes one grant, not one per member.
   */
  grantFallbackMs: [5000, 10_000],
  /** A write waits this long for the current key to be granted to this device (a new device, a joiner) before failing. */
  waitForKeyMs: 10_000,
  /**
   * An entitled member device that has held no key for the current key op this long (a random
   * time in this range, so members do not all do it at once), with no grant arriving, rotates
   * anyway (`recover`): nobody honest may hold it (a rotation whose boxes are empty or garbage).
   * Longer than a grant takes, fallbacks included.
   */
  recoverAfterMs: [15_000, 30_000],
  /** Each recovery this node made doubles that wait, up to 2^this times: a member posting unreadable keys again and again gets a recovery ever more rarely. */
  recoveryBackoffSteps: 6,
  /** A repair that failed (a store error, say) is tried again after this, doubling per failure up to the second value, while one is still needed. */
  retryAfterMs: [1000, 60_000],
} as const;

/** How many box keys a seal failed for (low-order points) are remembered: a rotation has at most this many boxes. */
const UNSEALABLE_KEPT = 2000;

/** Kinds whose author answers at once with a rotation when it leaves someone holding a key they should not. */
const REDUCING = new Set(['remove', 'revoke-key', 'anchored-revoke-key', 'revoke-invite', 'set-role']);

/**
 * The repairs a member posts for one context so exactly who should hold the current epoch key
 * does (docs/decisions/epoch-keys.md, "When to rotate"): rotations and grants, one at a time,
 * retried with backoff; and the recovery rotation from a key no honest node holds.
 */
export function createEpochRepairs(p: {
  contextId: Uint8Array;
  replica: Replica;
  me: { root: RootId; key: string };
  publish(body: OpBody, at?: SignAt): Promise<OpOutcome>;
  scheduler: Scheduler;
  now(): number;
  randomBytes(length: number): Uint8Array;
  isClosed(): boolean;
  /** Take in a key this node made (its own rotation's). */
  learn(keys: OpenedKey[]): Promise<void>;
  /** Whether the key the next write seals under is held. */
  headsKeyHeld(): boolean;
}) {
  const { replica, contextId } = p;
  const ring = replica.ring;
  let repairDue: number | undefined;
  /** Box keys a seal to them failed for: left out of plans, so a plan naming only them is done (bounded: UNSEALABLE_KEPT). */
  const unsealable = new Set<string>();
  /** Repairs that failed in a row (a retry waits longer each time). */
  let failures = 0;
  let retryScheduled = false;
  /** Recoveries (rotations from a key this node lacks): key ops rotated away from, at most one each, and when this node started lacking the current key. */
  const recoveredFrom = new Set<string>();
  let lackingSince: number | undefined;
  let recoveryDue = false;

  /** Whether this node's role may post key ops (a reader's or relay's would be refused). */
  function member(): boolean {
    return atLeast(replica.governance().members.get(p.me.root)?.role, KEY_OP_ROLE);
  }

  /** The repair the state calls for at `time`, leaving out box keys a seal failed for (a grant naming only them is no repair). */
  function plan(s: Readonly<GovState>, time = p.now()): Repair {
    const raw = planRepair(s, time);
    if (raw.kind === 'none' || !unsealable.size) return raw;
    // A rotation must box every entitled key (the rules refuse it otherwise): one that cannot
    // be made is not attempted again. A grant goes to the others.
    if (raw.kind === 'rotate') return raw.recipients.some((r) => unsealable.has(r)) ? { kind: 'none' } : raw;
    const recipients = raw.recipients.filter((r) => !unsealable.has(r));
    return recipients.length ? { ...raw, recipients } : { kind: 'none' };
  }

  /**
   * Publish a rotation or grant made for `recipients`, remembering those it has no box for (a
   * seal to them failed), so the next plan does not name them again and again. A body with no
   * box at all, or a rotation missing one (the rules want every entitled key boxed), is not
   * published. (The rules refuse unusable box keys at registration, so this takes a seal that
   * fails for another reason.) Refused once the context is closed (the sealing took a while).
   */
  async function publishRepair(body: OpBody, recipients: string[], at?: SignAt): Promise<OpOutcome | undefined> {
    if (body.kind === 'rotate-epoch' || body.kind === 'grant-epoch') {
      const boxed = new Set(body.boxes.map((b) => toHex(b.to)));
      const missing = recipients.filter((r) => !boxed.has(r));
      for (const r of missing) if (unsealable.size < UNSEALABLE_KEPT) unsealable.add(r);
      // A rotation lacking a box for someone entitled would be refused: not published.
      if (!body.boxes.length || (body.kind === 'rotate-epoch' && missing.length)) return undefined;
    }
    if (p.isClosed()) throw new ContextClosedError(`a ${body.kind} op was not published`);
    return p.publish(body, at);
  }

  /** A new key for everyone entitled, carrying the replaced key and concurrent losers (`keysToCarry`); `s` is the state `plan` was made on, signed at `at`. */
  async function rotate(plan: Extract<Repair, { kind: 'rotate' }>, s: Readonly<GovState>, at: SignAt): Promise<boolean> {
    const key = p.randomBytes(32);
    const carried = keysToCarry(ring, plan.keyOp, s.epochKeys);
    const outcome = await publishRepair(await rotationBody(contextId, plan.epoch + 1, key, p.randomBytes(24), plan.recipients, carried), plan.recipients, at);
    if (outcome?.valid) await p.learn([{ keyOp: outcome.key, key }]);
    return outcome?.valid === true;
  }

  /** This device may rotate from a key it lacks: a member's device that is entitled to the current key, lacks it, and has not recovered from it before. */
  function mayRecover(s: Readonly<GovState>): boolean {
    const current = s.epochKey;
    const mine = s.keys.get(p.me.key)?.boxKey;
    if (!current || ring.has(current.op) || recoveredFrom.has(current.op) || !mine || !member()) return false;
    return entitledBoxKeys(s, p.now()).has(mine);
  }

  /**
   * Rotate from the current key without holding it (docs/decisions/epoch-keys.md, recovery):
   * the new key goes to everyone entitled, `previous` carries the keys this node holds, and it
   * wins by the highest-epoch rule. Once per key op (marked only once published).
   */
  async function recover(s: Readonly<GovState>, at: SignAt): Promise<void> {
    const current = s.epochKey!;
    const recipients = [...entitledBoxKeys(s, at.time)].filter((r) => !unsealable.has(r)).sort();
    if (await rotate({ kind: 'rotate', keyOp: current.op, epoch: current.epoch, stale: [], recipients }, s, at)) recoveredFrom.add(current.op);
    recoveryDue = false;
  }

  /**
   * One repair at a time: a recovery when its wait ran out and the current key is still
   * lacking; else a rotation or a grant, whichever the plan says now (a member holding the
   * current key only).
   */
  const repairNow = singleFlight(async () => {
    if (p.isClosed() || !member()) return;
    const { at, s } = planningPoint();
    if (recoveryDue) {
      if (mayRecover(s)) return recover(s, at);
      recoveryDue = false;
    }
    const next = plan(s, at.time);
    const key = next.kind === 'none' ? undefined : ring.get(next.keyOp);
    if (!key) return;
    if (next.kind === 'rotate') await rotate(next, s, at);
    else if (next.kind === 'grant') await publishRepair(await grantBody(contextId, next.keyOp, key, next.recipients), next.recipients, at);
  });

  /**
   * Where a repair is planned and signed: on the parents a new op names and the state there
   * (the rules check the recipients at the parents). With more heads than an op may name,
   * the parents are some of them: a rotation planned on all heads would go to the wrong
   * recipients and be refused.
   */
  function planningPoint(): { at: SignAt; s: Readonly<GovState> } {
    const at = { parents: replica.parents(), time: p.now() };
    const s = at.parents.length < replica.heads().length ? replica.evaluator.stateAtParents(at.parents) : replica.governance();
    return { at, s };
  }

  /** Whether a repair is still called for (and possible here): what a retry checks before running again. */
  function repairPending(): boolean {
    const { s } = planningPoint();
    if (recoveryDue && mayRecover(s)) return true;
    const next = plan(s);
    return next.kind !== 'none' && ring.has(next.keyOp);
  }

  /**
   * Run the repair; if it fails (a store error, say), try again later, with backoff, while one
   * is still called for and the context is open. Rejects as the repair did.
   */
  function runRepair(): Promise<void> {
    return repairNow().then(
      () => void (failures = 0),
      (e: unknown) => {
        failures++;
        retryLater();
        throw e;
      },
    );
  }

  function retryLater(): void {
    if (retryScheduled || p.isClosed()) return;
    retryScheduled = true;
    const [first, most] = EPOCH_TIMINGS.retryAfterMs;
    p.scheduler.schedule(Math.min(first * 2 ** Math.min(failures - 1, 30), most), () => {
      retryScheduled = false;
      if (p.isClosed() || !repairPending()) {
        failures = 0;
        return;
      }
      void runRepair().catch(() => undefined);
    });
  }

  /**
   * Lacking the current key (and entitled to it): rotate anyway once a random wait has passed
   * with no grant. The wait runs from when this node started lacking the key, so a member
   * posting a new unreadable key every few seconds cannot keep putting it off; it doubles with
   * each recovery this node made, so such a member cannot make honest nodes rotate often.
   */
  function watchForRecovery(): void {
    if (p.isClosed() || lackingSince !== undefined || !mayRecover(replica.governance())) return;
    const since = (lackingSince = p.scheduler.now());
    const factor = 2 ** Math.min(recoveredFrom.size, EPOCH_TIMINGS.recoveryBackoffSteps);
    p.scheduler.schedule(between(EPOCH_TIMINGS.recoverAfterMs) * factor, () => {
      if (lackingSince !== since) return;
      lackingSince = undefined;
      if (p.isClosed() || !mayRecover(replica.governance())) return;
      recoveryDue = true;
      void runRepair().catch(() => undefined);
    });
  }

  function between([low, high]: readonly [number, number]): number {
    const r = new DataView(p.randomBytes(4).buffer).getUint32(0) / 2 ** 32;
    return Math.round(low + r * (high - low));
  }

  /** Plan after new ops: at once for what this node itself reduced or for its own device, else after a random wait. */
  function scheduleRepair(result: ReceiveResult): void {
    if (p.isClosed() || !member()) return;
    watchForRecovery();
    const s = replica.governance();
    const next = plan(s);
    if (next.kind === 'none' || !ring.has(next.keyOp)) return;
    const mine = result.added.some((c) => c.author === p.me.key && REDUCING.has(c.op.body.kind));
    // A new device of my own root (or this device itself, joined by invite): grant at once.
    const myDevices = new Set([...s.keys.values()].filter((k) => k.root === p.me.root && k.boxKey).map((k) => k.boxKey));
    const forMine = next.kind === 'grant' && next.recipients.every((r) => myDevices.has(r));
    const selfServed = next.kind === 'grant' && next.recipients.every((r) => holdsThroughInvite(s, next.keyOp, r));
    const range = next.kind === 'rotate' ? EPOCH_TIMINGS.rotateAfterMs : selfServed ? EPOCH_TIMINGS.grantFallbackMs : EPOCH_TIMINGS.grantAfterMs;
    const delay = mine || forMine ? 0 : between(range);
    const due = p.scheduler.now() + delay;
    if (repairDue !== undefined && repairDue <= due) return;
    repairDue = due;
    p.scheduler.schedule(delay, () => {
      repairDue = undefined;
      void runRepair().catch(() => undefined);
    });
  }

  return {
    plan,
    publishRepair,
    runRepair,
    scheduleRepair,
    watchForRecovery,
    /** Keys were learnt: a device that holds the heads' key again no longer waits to recover. */
    keysLearnt(): void {
      if (p.headsKeyHeld()) lackingSince = undefined;
    },
  };
}
