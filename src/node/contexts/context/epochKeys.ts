import type { ReceiveResult, Replica } from '../../../core/context/replica.ts';
import { bytesEqual, fromHex, toHex, type BoxKeyPair } from '../../../core/crypto/index.ts';
import { grantBody, openBoxesFor, type OpenedKey } from '../../../core/epochs/boxes.ts';
import { loadBodyCipher, sealDeltaBody } from '../../../core/epochs/seal.ts';
import type { RootId } from '../../../core/identity/index.ts';
import type { Invite } from '../../../core/invitation/index.ts';
import type { Scheduler } from '../../../core/mesh/Scheduler.ts';
import type { DeltaBody, OpBody } from '../../../core/ops/op.ts';
import type { EpochKeyStore } from '../../../core/store/index.ts';
import type { OpOutcome } from '../view.ts';
import type { SignAt } from './publishing.ts';
import { createEpochRepairs, EPOCH_TIMINGS } from './epochRepairs.ts';

export { EPOCH_TIMINGS } from './epochRepairs.ts';

/** Writing needs the context's current epoch key, and this device does not hold it (yet). */
export class EpochKeyMissingError extends Error {
  override readonly name = 'EpochKeyMissingError';
  constructor(epoch: number) {
    super(`this device does not hold the key of epoch ${epoch} yet, so it cannot write: a member who is online grants it to this device shortly`);
  }
}

/**
 * This node's epoch keys for one context: opened from boxes sealed to the device's (or its
 * invite's) box key as ops arrive, kept wrapped in the store, used to seal what it writes.
 * The repairs a member posts so exactly who should hold the current key does are in
 * `epochRepairs.ts`.
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
  /** Writes waiting for a key to be learnt: each removes itself when woken or timed out. */
  const waiting = new Set<() => void>();
  /** Box opening under way (observe calls run one after another). */
  let opening: Promise<unknown> = Promise.resolve();
  const repairs = createEpochRepairs({ ...p, learn: (keys) => learn(keys), headsKeyHeld: () => headsKeyHeld() });

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
    repairs.keysLearnt();
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
    repairs.scheduleRepair(result);
  }

  return {
    /** Whether the key of the current heads is held here (true in a clear context). */
    headsKeyHeld,

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
      const next = repairs.plan(s);
      const mine = s.keys.get(p.me.key)?.boxKey;
      // Rotate away from a removed device first; and box the key to this device before its
      // first write, so the device can always recover what it wrote from the history alone.
      if (next.kind === 'rotate' || (next.kind === 'grant' && mine !== undefined && next.recipients.includes(mine))) await repairs.runRepair();
      // A device that just joined or was added waits for the grant a member posts (or, if
      // nobody holds the key any more, for its own recovery rotation).
      repairs.watchForRecovery();
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
      const next = repairs.plan(s);
      // Through the one repair queue: a repair scheduled by the same join re-plans after it.
      if (next.kind === 'grant' && mine && next.recipients.includes(mine)) await repairs.runRepair();
    },

    /** An invite just signed here names `boxKey`: grant it the current key, so its holder reads on joining. */
    async grantInvite(invite: Invite): Promise<void> {
      await opening;
      const ref = replica.governance().epochKey;
      const key = ref && ring.get(ref.op);
      const boxKey = invite.claims.boxKey;
      if (!ref || !key || !boxKey) return;
      await repairs.publishRepair(await grantBody(contextId, ref.op, key, [toHex(boxKey)], invite), [toHex(boxKey)]);
    },
  };
}

export type EpochKeys = ReturnType<typeof createEpochKeys>;
