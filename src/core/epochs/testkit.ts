// Builders for epoch-key tests and simulations: members with box keys, each with its own
// replica and key ring, writing sealed deltas and repairing recipients as a node would.
import { fromHex, importBoxKeyPair, toHex, type BoxKeyPair } from '../crypto/index.ts';
import { createReplica, type ReceiveResult } from '../context/replica.ts';
import { deltaBody, invite, op, person, recordingSink, T0, type Device, type Person } from '../context/testkit.ts';
import type { Invite } from '../invitation/invite.ts';
import { seededRandom } from '../mesh/seededRandom.ts';
import { GENESIS_CONTEXT, signOp, type DeltaBody, type Op, type OpBody } from '../ops/op.ts';
import type { Role } from '../ops/roles.ts';
import { genesisEpochFields, grantBody, keysToCarry, openBoxesFor, rotationBody } from './boxes.ts';
import { entitledBoxKeys } from './entitled.ts';
import { planRepair } from './repair.ts';
import { loadBodyCipher, sealDeltaBody } from './seal.ts';

/** Deterministic bytes (tests only: nothing secret). */
export function testBytes(seed: number, length = 32): Uint8Array {
  const next = seededRandom(seed);
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

/** Whether `needle` occurs in `haystack` (known plaintext looked for in ciphertext, stores, keys). */
export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

let boxSeeds = 5000;
/** A device's box key pair, from deterministic private bytes. */
export function testBoxKey(): Promise<BoxKeyPair> {
  return importBoxKeyPair(testBytes(boxSeeds++));
}

/** An encrypted context's genesis: epoch 0's key sealed to the creator's box key. */
export async function encryptedGenesis(owner: Pick<Person, 'device'>, box: BoxKeyPair, key: Uint8Array, time = T0): Promise<Op> {
  const nonce = testBytes(boxSeeds++, 16);
  return signOp(owner.device.signer, {
    context: GENESIS_CONTEXT,
    parents: [],
    time,
    body: { kind: 'genesis', name: 'Secret context', appId: new Uint8Array(32), verifiable: false, nonce, delegation: owner.device.delegation, origins: [], ...(await genesisEpochFields(box.publicKey, key, nonce)) },
  });
}

/** A join carrying the joining device's box key. */
export function boxedJoinBody(who: Device, inv: Invite, box: BoxKeyPair | undefined): OpBody {
  return { kind: 'join', invite: inv, delegation: who.delegation, ...(box && { boxKey: box.publicKey }) };
}

export type Peer = Awaited<ReturnType<typeof epochPeer>>;

let nonces = 90_000;

/**
 * One member's node in a simulation: a replica with a key ring, opening the boxes sealed to
 * its box key as ops arrive (asynchronously, as the node does) and writing under the epoch
 * key of its heads. `box` undefined: a node with no box key (a relay's view: it holds nothing).
 */
export async function epochPeer(who: Person, context: Uint8Array, box: BoxKeyPair | undefined, now = () => T0 + 5000) {
  const sink = recordingSink();
  const replica = createReplica(context, sink);
  const device = who.device;

  /** Key ops whose box to `box` was tried: each op's box is opened once, and only once the op is valid. */
  const opened = new Set<string>();

  async function receive(ops: Op[]): Promise<ReceiveResult> {
    const result = await replica.receive(ops);
    await loadBodyCipher();
    if (!box) return result;
    for (const key of [...result.added.map((c) => c.key), ...result.flipped]) {
      const c = replica.dag.get(key);
      if (!c || opened.has(key) || !replica.isValidOp(key)) continue;
      opened.add(key);
      replica.learnKeys(await openBoxesFor(c.op, context, box));
    }
    return result;
  }

  /** A state delta at the heads: sealed under their epoch key (clear in a plaintext context). */
  async function write(text: string, time = now(), parents = replica.parents()): Promise<Op> {
    const ref = replica.epochKeyAt(parents);
    const clear = deltaBody(text) as Extract<OpBody, { kind: 'delta' }>;
    let body: OpBody = clear;
    if (ref) {
      const key = replica.ring.get(ref.op);
      if (!key) throw new Error(`${who.name} does not hold the epoch key of its heads`);
      const nonce = testBytes(nonces++, 24);
      const keyOp = fromHex(ref.op);
      const plain: DeltaBody = { writer: clear.writer, update: clear.update, events: clear.events };
      body = { kind: 'sealed-delta', keyOp, nonce, sealed: sealDeltaBody(key, nonce, context, keyOp, plain) };
    }
    return publish(body, time, parents);
  }

  async function publish(body: OpBody, time = now(), parents = replica.parents()): Promise<Op> {
    const o = await op(device, context, parents, body, time);
    await receive([o]);
    return o;
  }

  /** What the node's repair would post now: a rotation, a grant, or nothing. */
  async function repair(time = now()): Promise<Op | undefined> {
    const s = replica.governance();
    const plan = planRepair(s, time);
    if (plan.kind === 'none') return undefined;
    const key = replica.ring.get(plan.keyOp);
    if (!key) return undefined;
    if (plan.kind === 'grant') return publish(await grantBody(context, plan.keyOp, key, plan.recipients), time);
    return rotate(plan.recipients, time);
  }

  /** A rotation to `recipients` (default: everyone entitled), carrying forward what a node carries (`keysToCarry`). */
  async function rotate(recipients?: string[], time = now()): Promise<Op> {
    const s = replica.governance();
    const current = s.epochKey!;
    const plan = planRepair(s, time);
    // The rules take a rotation only to exactly who is entitled at its parents and time.
    const to = recipients ?? (plan.kind === 'rotate' ? plan.recipients : [...entitledBoxKeys(s, time)].sort());
    const carried = keysToCarry(replica.ring, current.op, s.epochKeys);
    return publish(await rotationBody(context, current.epoch + 1, testBytes(nonces++), testBytes(nonces++, 24), to, carried), time);
  }

  return {
    who,
    box,
    boxKey: box && toHex(box.publicKey),
    replica,
    sink,
    receive,
    write,
    publish,
    repair,
    rotate,
    /** The texts in this node's state. */
    texts: () => new Set(sink.applied.values()),
    invite: (options: { role?: Role; nonce?: number } = {}) => invite(device, context, options),
  };
}

/** Owner A and writer C (key ops need writer) of an encrypted context, both holding epoch 0 (key `testBytes(1)`). */
export async function ownerAndWriter() {
  const [a, c] = await Promise.all([person('A', 1), person('C', 3)]);
  const [boxA, boxC] = [await testBoxKey(), await testBoxKey()];
  const g = await encryptedGenesis(a, boxA, testBytes(1));
  const ctx = g.id;
  const A = await epochPeer(a, ctx, boxA);
  await A.receive([g]);
  const joinC = await op(c.device, ctx, [g], boxedJoinBody(c.device, await A.invite({ nonce: 2, role: 'writer' }), boxC));
  await A.receive([joinC]);
  const grant = (await A.repair())!;
  const C = await epochPeer(c, ctx, boxC);
  await C.receive([g, joinC, grant]);
  return { a, c, g, ctx, A, C, log: [g, joinC, grant] as Op[] };
}
