import type { ReceiveResult, Replica } from '../../../core/context/replica.ts';
import { bytesEqual, fromHex, toHex, type BoxKeyPair } from '../../../core/crypto/index.ts';
import { grantBody, keysToCarry, openBoxesFor, rotationBody, type OpenedKey } from '../../../core/epochs/boxes.ts';
import { entitledBoxKeys, holdsThroughInvite, KEY_OP_ROLE } from '../../../core/epochs/entitled.ts';
import { planRepair, type Repair } from '../../../core/epochs/repair.ts';
import { loadBodyCipher, sealDeltaBody } from '../../../core/epochs/seal.ts';
import type { GovState } from '../../../core/governance/state.ts';
import type { RootId } from '../../../core/identity/index.ts';
import type { Invite } from '../../../core/invitation/index.ts';
import type { Scheduler } from '../../../core/mesh/Scheduler.ts';
import type { DeltaBody, OpBody } from '../../../core/ops/op.ts';
import type { EpochKeyStore } from '../../../core/store/index.ts';
import { singleFlight } from '../../../core/tasks/singleFlight.ts';
import type { OpOutcome } from '../view.ts';
import type { SignAt } from './publishing.ts';
import { atLeast } from '../../../core/ops/roles.ts';
import { ContextClosedError } from './closedGate.ts';

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

/** Writing needs the context's current epoch key, and this device does not hold it (yet). */
export class EpochKeyMissingError extends Error {
  override readonly name = 'EpochKeyMissingError';
  constructor(epoch: number) {
    super(`this device does not hold the key of epoch ${epoch} yet, so it cannot write: a member who is online grants it to this device shortly`);
  }
}

/** Kinds whose author answers at once with a rotation when it leaves someone holding a key they should not. */
const REDUCING = new Set(['remove', 'revoke-key', 'anchored-revoke-key', 'revoke-invite', 'set-role']);

/**
 * This node's epoch keys for one context: opened from boxes sealed to the device's (or its
 * invite's) box key as ops arrive, kept wrapped in the store, used to seal what it writes; and
 * the repairs a member posts so exactly who should hold the current key does.
 */
export function createEpochKeys(p: {
  contextId: Uint8Array;
  contextKey: string;
  replica: Replica;
  store: Pick<EpochKeyStore, 'putEpochKeys' | 'epochKeys'>;
  wrap(context: string, keyOp: string, raw: Uint8Array): Promise<Uint8Array>;
  unwrap(context: string, keyOp: string, wrapped: Uint8Array): Promise<Uint8Array>;
  deviceBox(): Promise<BoxKeyPair>;
  /** The box key of the invite this device joins with, while it joins. */
  inviteBox(): Promise<BoxKeyPair | undefined>;
  me: { root: RootId; key: string };
  publish(body: OpBody, at?: SignAt): Promise<OpOutcome>;
  scheduler: Scheduler;
  now(): number;
  randomBytes(length: number): Uint8Array;
  isClosed(): boolean;
  onChange(): void;
}) {
  const { replica, contextId, contextKey } = p;
  const ring = replica.ring;
  const persisted = new Set<string>();
  /** Keys read from the store at load: one the ring holds as stored needs no write again. */
  const stored = new Map<string, Uint8Array>();
  /** `op key:box key` pairs whose box was tried: one HPKE open per op and box key. */
  const tried = new Set<string>();
  let repairDue: number | undefined;
  /** Writes waiting for a key to be learnt: each removes itself when woken or timed out. */
  const waiting = new Set<() => void>();
  /** Box keys a seal to them failed for: left out of plans, so a plan naming only them is done (bounded: UNSEALABLE_KEPT). */
  const unsealable = new Set<string>();
  /** Repairs that failed in a row (a retry waits longer each time). */
  let failures = 0;
  let retryScheduled = false;
  /** Recoveries (rotations from a key this node lacks): key ops rotated away from, at most one each, and when this node started lacking the current key. */
  const recoveredFrom = new Set<string>();
  let lackingSince: number | undefined;
  let recoveryDue = false;
  /** Box opening under way (observe calls run one after another). */
  let opening: Promise<unknown> = Promise.resolve();

  function epochOf(keyOp: string): number {
    const body = replica.dag.get(keyOp)?.op.body;
    return body?.kind === 'rotate-epoch' ? body.epoch : 0;
  }

  /** Keys held and not yet in the store: wrapped by the vault and kept. */
  async function persist(): Promise<void> {
    const held = ring.entries().filter(([op]) => !persisted.has(op));
    // Held means it matched its op's commitment: as stored, it is kept; a wrong one stored is overwritten.
    for (const [op, key] of held) {
      if (!bytesEqual(stored.get(op) ?? new Uint8Array(), key)) continue;
      persisted.add(op);
      stored.delete(op);
    }
    const fresh = held.filter(([op]) => !persisted.has(op));
    if (!fresh.length || p.isClosed()) return;
    for (const [op] of fresh) persisted.add(op);
    const records = await Promise.all(fresh.map(async ([keyOp, key]) => ({ keyOp, epoch: epochOf(keyOp), wrapped: await p.wrap(contextKey, keyOp, key) })));
    // Closed while wrapping (a forget deletes the context's keys): write nothing for it.
    if (p.isClosed()) return;
    await p.store.putEpochKeys(contextKey, records);
  }

  async function learn(keys: OpenedKey[]): Promise<void> {
    if (!keys.length) return;
    await loadBodyCipher();
    if (replica.learnKeys(keys) > 0) p.onChange();
    if (headsKeyHeld()) lackingSince = undefined;
    for (const wake of [...waiting]) wake();
    await persist();
  }

  /** Whether the key the next write seals under (that of the current heads) is held: a plaintext context needs none. */
  function headsKeyHeld(): boolean {
    const ref = replica.epochKeyAt(replica.parents());
    return !ref || ring.has(ref.op);
  }

  /**
   * Wait until the key of the current heads is held (a grant, or a rotation that replaced the
   * key this device lacked), or `ms` passed. A wait that times out leaves nothing behind.
   */
  function keyArrives(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (held: boolean) => {
        waiting.delete(check);
        resolve(held);
      };
      const check = () => {
        if (headsKeyHeld()) finish(true);
      };
      waiting.add(check);
      p.scheduler.schedule(ms, () => {
        if (waiting.has(check)) finish(headsKeyHeld());
      });
      check();
    });
  }

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
    if (outcome?.valid) await learn([{ keyOp: outcome.key, key }]);
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
    // Signed on the heads and time planned at: the rules check the recipients there.
    const at = { parents: replica.parents(), time: p.now() };
    const s = replica.governance();
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

  /** Whether a repair is still called for (and possible here): what a retry checks before running again. */
  function repairPending(): boolean {
    const s = replica.governance();
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

  async function observeNow(result: ReceiveResult): Promise<void> {
    const mine = [await p.deviceBox(), await p.inviteBox()].filter((b): b is BoxKeyPair => b !== undefined);
    const opened: OpenedKey[] = [];
    // Only valid ops feed keys (a refused grant's box is never opened), each box key once per op;
    // an op refused now and valid later comes back among the flipped.
    for (const key of [...result.added.map((c) => c.key), ...result.flipped]) {
      const op = replica.dag.get(key)?.op;
      const kind = op?.body.kind;
      if (!op || (kind !== 'genesis' && kind !== 'rotate-epoch' && kind !== 'grant-epoch')) continue;
      for (const box of mine) {
        const id = `${key}:${toHex(box.publicKey)}`;
        if (tried.has(id) || !replica.isValidOp(key)) continue;
        tried.add(id);
        opened.push(...(await openBoxesFor(op, contextId, box)));
      }
    }
    await learn(opened);
    scheduleRepair(result);
  }

  return {
    /** Writes waiting for a key now (each removes itself once it has it or its wait ran out). */
    waiters: (): number => waiting.size,

    /**
     * Keys kept in the store, before the stored history loads (so its deltas open as they come):
     * each is held once its key op loads, valid, and only if it matches the op's commitment.
     */
    /**
     * The key of `keyOp` as held, or as kept in the store (a snapshot loads before the stored
     * history, so before stored keys are held): what opens a snapshot sealed under it.
     */
    async storedKey(keyOp: string): Promise<Uint8Array | undefined> {
      const held = ring.get(keyOp);
      if (held) return held;
      const record = (await p.store.epochKeys(contextKey)).find((r) => r.keyOp === keyOp);
      return record && p.unwrap(contextKey, keyOp, record.wrapped);
    },

    async load(): Promise<void> {
      const opened: OpenedKey[] = [];
      for (const r of await p.store.epochKeys(contextKey)) {
        try {
          const key = await p.unwrap(contextKey, r.keyOp, r.wrapped);
          opened.push({ keyOp: r.keyOp, key });
          stored.set(r.keyOp, key);
        } catch {
          // Moved from another profile or damaged: the boxes in the history are tried instead.
        }
      }
      if (opened.length) await loadBodyCipher();
      replica.learnKeys(opened);
    },

    /** New ops: open the boxes sealed to this device (or its invite), then repair what needs it. In order, one batch at a time. */
    observe(result: ReceiveResult): Promise<void> {
      const run = opening.then(() => observeNow(result));
      opening = run.catch(() => undefined);
      return run;
    },

    /**
     * Before a write: wait for boxes still being opened (a genesis or grant just taken in);
     * then, if the current key reached a device or invite that must not hold it (a removal
     * this node has seen and nobody answered yet), rotate first, so what is written now is
     * under a key the removed device lacks.
     */
    async beforeWrite(): Promise<void> {
      await opening;
      const s = replica.governance();
      const next = plan(s);
      const mine = s.keys.get(p.me.key)?.boxKey;
      // Rotate away from a removed device first; and box the key to this device before its
      // first write, so the device can always recover what it wrote from the history alone.
      if (next.kind === 'rotate' || (next.kind === 'grant' && mine !== undefined && next.recipients.includes(mine))) await runRepair();
      // A device that just joined or was added waits for the grant a member posts (or, if
      // nobody holds the key any more, for its own recovery rotation).
      watchForRecovery();
      if (!headsKeyHeld()) await keyArrives(EPOCH_TIMINGS.waitForKeyMs);
    },

    /** A delta body sealed under the epoch key of `parents`; clear in a plaintext context. */
    sealDelta(parents: Uint8Array[], body: DeltaBody): OpBody {
      const ref = replica.epochKeyAt(parents);
      if (!ref) return { kind: 'delta', ...body };
      const key = ring.get(ref.op);
      if (!key) throw new EpochKeyMissingError(ref.epoch);
      const keyOp = fromHex(ref.op);
      const nonce = p.randomBytes(24);
      return { kind: 'sealed-delta', keyOp, nonce, sealed: sealDeltaBody(key, nonce, contextId, keyOp, body) };
    },

    /**
     * Right after this device's join is valid, before it counts as settled: box the current key
     * (read through the invite) to the device's own box key, so the device can recover it from
     * the history alone (a restore from a backup) and a settled joiner posts nothing more.
     */
    async grantOwnDevice(): Promise<void> {
      await opening;
      const s = replica.governance();
      const mine = s.keys.get(p.me.key)?.boxKey;
      const next = plan(s);
      // Through the one repair queue: a repair scheduled by the same join re-plans after it.
      if (next.kind === 'grant' && mine && next.recipients.includes(mine)) await runRepair();
    },

    /** An invite just signed here names `boxKey`: grant it the current key, so its holder reads on joining. */
    async grantInvite(invite: Invite): Promise<void> {
      await opening;
      const ref = replica.governance().epochKey;
      const key = ref && ring.get(ref.op);
      const boxKey = invite.claims.boxKey;
      if (!ref || !key || !boxKey) return;
      await publishRepair(await grantBody(contextId, ref.op, key, [toHex(boxKey)], invite), [toHex(boxKey)]);
    },
  };
}

export type EpochKeys = ReturnType<typeof createEpochKeys>;
