import type { ReceiveResult, Replica } from '../../../core/context/replica.ts';
import { bytesEqual, fromHex, toHex, type BoxKeyPair } from '../../../core/crypto/index.ts';
import { grantBody, keysToCarry, openBoxesFor, rotationBody, type OpenedKey } from '../../../core/epochs/boxes.ts';
import { holdsThroughInvite, KEY_OP_ROLE } from '../../../core/epochs/entitled.ts';
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
} as const;

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
  /** Writes waiting for a key to be learnt. */
  const waiting: (() => void)[] = [];
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
    if (!fresh.length) return;
    for (const [op] of fresh) persisted.add(op);
    const records = await Promise.all(fresh.map(async ([keyOp, key]) => ({ keyOp, epoch: epochOf(keyOp), wrapped: await p.wrap(contextKey, keyOp, key) })));
    await p.store.putEpochKeys(contextKey, records);
  }

  async function learn(keys: OpenedKey[]): Promise<void> {
    if (!keys.length) return;
    await loadBodyCipher();
    if (replica.learnKeys(keys) > 0) p.onChange();
    for (const wake of waiting.splice(0)) wake();
    await persist();
  }

  /** Wait until the ring holds `keyOp`, or `ms` passed. */
  function keyArrives(keyOp: string, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      let done = false;
      const check = () => {
        if (done) return;
        if (ring.has(keyOp)) {
          done = true;
          resolve(true);
        } else waiting.push(check);
      };
      p.scheduler.schedule(ms, () => {
        if (done) return;
        done = true;
        resolve(ring.has(keyOp));
      });
      check();
    });
  }

  /** Whether this node's role may post key ops (a reader's or relay's would be refused). */
  function member(): boolean {
    return atLeast(replica.governance().members.get(p.me.root)?.role, KEY_OP_ROLE);
  }

  /** A new key for everyone entitled, carrying the replaced key and concurrent losers (`keysToCarry`); `s` is the state `plan` was made on, at `at`. */
  async function rotate(plan: Extract<Repair, { kind: 'rotate' }>, s: Readonly<GovState>, at: SignAt): Promise<void> {
    const key = p.randomBytes(32);
    const carried = keysToCarry(ring, plan.keyOp, s.epochKeys);
    const outcome = await p.publish(await rotationBody(contextId, plan.epoch + 1, key, p.randomBytes(24), plan.recipients, carried), at);
    if (outcome.valid) await learn([{ keyOp: outcome.key, key }]);
  }

  /** One repair at a time: a rotation or a grant, whichever the plan says now (a member holding the current key only). */
  const repairNow = singleFlight(async () => {
    if (p.isClosed() || !member()) return;
    // Signed on the heads and time planned at: the rules check the recipients there.
    const at = { parents: replica.parents(), time: p.now() };
    const s = replica.governance();
    const plan = planRepair(s, at.time);
    const key = plan.kind === 'none' ? undefined : ring.get(plan.keyOp);
    if (!key) return;
    if (plan.kind === 'rotate') await rotate(plan, s, at);
    else if (plan.kind === 'grant') await p.publish(await grantBody(contextId, plan.keyOp, key, plan.recipients), at);
  });

  function between([low, high]: readonly [number, number]): number {
    const r = new DataView(p.randomBytes(4).buffer).getUint32(0) / 2 ** 32;
    return Math.round(low + r * (high - low));
  }

  /** Plan after new ops: at once for what this node itself reduced or for its own device, else after a random wait. */
  function scheduleRepair(result: ReceiveResult): void {
    if (p.isClosed() || !member()) return;
    const s = replica.governance();
    const plan = planRepair(s, p.now());
    if (plan.kind === 'none' || !ring.has(plan.keyOp)) return;
    const mine = result.added.some((c) => c.author === p.me.key && REDUCING.has(c.op.body.kind));
    // A new device of my own root (or this device itself, joined by invite): grant at once.
    const myDevices = new Set([...s.keys.values()].filter((k) => k.root === p.me.root && k.boxKey).map((k) => k.boxKey));
    const forMine = plan.kind === 'grant' && plan.recipients.every((r) => myDevices.has(r));
    const selfServed = plan.kind === 'grant' && plan.recipients.every((r) => holdsThroughInvite(s, plan.keyOp, r));
    const range = plan.kind === 'rotate' ? EPOCH_TIMINGS.rotateAfterMs : selfServed ? EPOCH_TIMINGS.grantFallbackMs : EPOCH_TIMINGS.grantAfterMs;
    const delay = mine || forMine ? 0 : between(range);
    const due = p.scheduler.now() + delay;
    if (repairDue !== undefined && repairDue <= due) return;
    repairDue = due;
    p.scheduler.schedule(delay, () => {
      repairDue = undefined;
      void repairNow().catch(() => undefined);
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
    /**
     * Keys kept in the store, before the stored history loads (so its deltas open as they come):
     * each is held once its key op loads, valid, and only if it matches the op's commitment.
     */
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
      const plan = planRepair(s, p.now());
      const mine = s.keys.get(p.me.key)?.boxKey;
      // Rotate away from a removed device first; and box the key to this device before its
      // first write, so the device can always recover what it wrote from the history alone.
      if (plan.kind === 'rotate' || (plan.kind === 'grant' && mine !== undefined && plan.recipients.includes(mine))) await repairNow();
      // A device that just joined or was added waits for the grant a member posts.
      const ref = replica.epochKeyAt(replica.parents());
      if (ref && !ring.has(ref.op)) await keyArrives(ref.op, EPOCH_TIMINGS.waitForKeyMs);
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
      const plan = planRepair(s, p.now());
      // Through the one repair queue: a repair scheduled by the same join re-plans after it.
      if (plan.kind === 'grant' && mine && plan.recipients.includes(mine)) await repairNow();
    },

    /** An invite just signed here names `boxKey`: grant it the current key, so its holder reads on joining. */
    async grantInvite(invite: Invite): Promise<void> {
      await opening;
      const ref = replica.governance().epochKey;
      const key = ref && ring.get(ref.op);
      const boxKey = invite.claims.boxKey;
      if (!ref || !key || !boxKey) return;
      await p.publish(await grantBody(contextId, ref.op, key, [toHex(boxKey)], invite));
    },
  };
}

export type EpochKeys = ReturnType<typeof createEpochKeys>;
