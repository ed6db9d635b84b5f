// Issue 14's figures: what a rotation costs for 10 and 100 members (time and op size) beside
// a `remove` op in the same context, and what encrypting bodies costs verify + apply beside
// the clear path, in the same run.
import { createReplica } from '../src/core/context/replica.ts';
import { invite, op, person, recordingSink, T0, type Person } from '../src/core/context/testkit.ts';
import { entitledBoxKeys } from '../src/core/epochs/entitled.ts';
import { keysToCarry, openBoxesFor, rotationBody } from '../src/core/epochs/boxes.ts';
import { loadBodyCipher } from '../src/core/epochs/seal.ts';
import { boxedJoinBody, encryptedGenesis, testBoxKey, testBytes } from '../src/core/epochs/testkit.ts';
import type { BoxKeyPair } from '../src/core/crypto/index.ts';
import { encodeOp, idKey, type Op } from '../src/core/ops/op.ts';
import { deltaFixture } from './deltaFixture.ts';
import { bestRate, median, type Figure } from './measure.ts';
import { verifyAndApply } from './verifyApply.ts';

export const EPOCHS = {
  members: [10, 100],
  /** Timed rotations per size (the median is shown). */
  runs: 7,
  encrypted: 'verify + apply, bodies sealed (XChaCha20-Poly1305 under the epoch key)',
  clear: 'verify + apply, bodies in clear (same deltas)',
} as const;

export interface RotationRow {
  members: number;
  /** Boxes in the rotation: one per member device (each member has one here). */
  boxes: number;
  rotationBytes: number;
  /** Sealing the new key to every box key, carrying what the node carries (`keysToCarry`), and signing: the author's cost. */
  rotationMs: number;
  /** A recipient opening its own box: each member's cost. */
  openMs: number;
  removeBytes: number;
  removeMs: number;
}

/** A context of `n` members (each device with a box key), as a replica the owner holds. */
async function membersContext(n: number) {
  const people: Person[] = await Promise.all(Array.from({ length: n }, (_, i) => person(`M${i}`, 300 + i)));
  const boxes: BoxKeyPair[] = await Promise.all(people.map(() => testBoxKey()));
  const key0 = testBytes(7000 + n);
  const owner = people[0]!;
  const g = await encryptedGenesis(owner, boxes[0]!, key0);
  const ops: Op[] = [g];
  for (const [i, p] of people.slice(1).entries()) {
    const inv = await invite(owner.device, g.id, { role: 'writer', nonce: i + 1 });
    ops.push(await op(p.device, g.id, [ops.at(-1)!], boxedJoinBody(p.device, inv, boxes[i + 1]), T0 + 1000 + i));
  }
  const replica = createReplica(g.id, recordingSink());
  const result = await replica.receive(ops);
  if (result.rejected.length > 0) throw new Error(`bench fixture: ${result.rejected[0]!.message}`);
  replica.learnKeys([{ keyOp: idKey(g.id), key: key0 }]);
  return { people, boxes, replica, context: g.id, head: ops.at(-1)! };
}

async function timed<T>(run: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await run();
  return [performance.now() - start, value];
}

/** Rotation cost at each size in EPOCHS.members, beside a `remove` op of the same context. */
export async function rotationFigures(): Promise<RotationRow[]> {
  await loadBodyCipher();
  const rows: RotationRow[] = [];
  for (const n of EPOCHS.members) {
    const { people, boxes, replica, context, head } = await membersContext(n);
    const owner = people[0]!;
    const now = T0 + 10 * 60_000;
    const gov = replica.governance();
    const recipients = [...entitledBoxKeys(gov, now).keys()].sort();
    const current = gov.epochKey!;
    const rotationMs: number[] = [];
    const openMs: number[] = [];
    const removeMs: number[] = [];
    let rotationBytes = 0;
    let removeBytes = 0;
    for (let run = 0; run < EPOCHS.runs; run++) {
      const [ms, rotation] = await timed(async () => {
        // What the node carries (epochKeys.ts): the replaced key and concurrent losers its chain misses.
        const carried = keysToCarry(replica.ring, current.op, gov.epochKeys);
        const body = await rotationBody(context, current.epoch + 1, testBytes(9000 + run), testBytes(9100 + run, 24), recipients, carried);
        return op(owner.device, context, [head], body, now);
      });
      rotationMs.push(ms);
      rotationBytes = encodeOp(rotation).length;
      const [open, opened] = await timed(() => openBoxesFor(rotation, context, boxes[n - 1]!));
      if (opened.length !== 1) throw new Error('bench fixture: the last member could not open its box');
      openMs.push(open);
      const [removing, remove] = await timed(() => op(owner.device, context, [head], { kind: 'remove', member: people[n - 1]!.rootId }, now));
      removeMs.push(removing);
      removeBytes = encodeOp(remove).length;
    }
    rows.push({ members: n, boxes: recipients.length, rotationBytes, rotationMs: median(rotationMs), openMs: median(openMs), removeBytes, removeMs: median(removeMs) });
  }
  return rows;
}

/**
 * Verify + apply of the same deltas, sealed and clear, in Node (ops/s). The two alternate,
 * round after round, and each keeps its fastest: a load that comes and goes (GC, another
 * process) then weighs on both alike.
 */
export async function encryptionFigures(where: string, rounds = 4, ms = 800): Promise<Figure[]> {
  await loadBodyCipher();
  const clear = await deltaFixture();
  const sealed = await deltaFixture(undefined, undefined, { encrypted: true });
  const n = clear.deltas.length;
  let clearBest = 0;
  let sealedBest = 0;
  for (let round = 0; round < rounds; round++) {
    clearBest = Math.max(clearBest, await bestRate(() => verifyAndApply(clear), n, { ms, runs: 1 }));
    sealedBest = Math.max(sealedBest, await bestRate(() => verifyAndApply(sealed), n, { ms, runs: 1 }));
  }
  return [
    { group: where, name: EPOCHS.clear, opsPerSec: clearBest },
    { group: where, name: EPOCHS.encrypted, opsPerSec: sealedBest },
  ];
}
