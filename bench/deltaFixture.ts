import * as Y from 'yjs';
import { genesis, invite, joinBody, op, person, T0, type Device, type Person } from '../src/core/context/testkit.ts';
import type { Signer } from '../src/core/crypto/index.ts';
import { delegationCodec, signLocalDelegation } from '../src/core/identity/index.ts';
import { loadBodyCipher, sealDeltaBody } from '../src/core/epochs/seal.ts';
import { boxedJoinBody, encryptedGenesis, testBoxKey, testBytes } from '../src/core/epochs/testkit.ts';
import { encodeOp, idKey, type Op, type OpBody } from '../src/core/ops/op.ts';
import { webCryptoHeldSigner } from './ed25519.ts';

/** A context and a stream of its signed state deltas, ready to feed to a replica. */
export interface DeltaFixture {
  contextId: Uint8Array;
  /** Genesis and joins, encoded: what a replica takes in before the deltas. */
  governance: Uint8Array[];
  /** The delta ops, encoded, parents before children. */
  deltas: Uint8Array[];
  /** The same deltas as op objects (for codec figures). */
  deltaOps: Op[];
  /** The Yjs update inside each delta, in the same order: the raw-Yjs baseline. */
  updates: Uint8Array[];
  /** Encrypted fixtures only: epoch 0's key, which every delta is sealed under (the genesis's). */
  epochKey?: { keyOp: string; key: Uint8Array };
}

const DAY = 86_400_000;
/** Keys of the state map the writers share: most writes overwrite an earlier value. */
export const FIXTURE_KEYS = 200;

/**
 * `writers` members (the owner and invited writers) write `rounds` rounds of concurrent
 * deltas: in each round every writer sets one key of the state map, the op's parents are
 * the previous round's ops, and the writers' docs sync at round boundaries, as peers in a
 * live session would. 2000 delta ops by default.
 */
export async function deltaFixture(rounds = 500, writers = 4, { encrypted = false } = {}): Promise<DeltaFixture> {
  const people: Person[] = await Promise.all(
    Array.from({ length: writers }, async (_, i) => {
      const p = await person(`W${i}`, i + 1);
      return { ...p, device: await heldKeyDevice(p.root, i + 1) };
    }),
  );
  const owner = people[0]!;
  // Encrypted: every member has a box key, and the deltas are sealed under epoch 0's key.
  if (encrypted) await loadBodyCipher();
  const boxes = encrypted ? await Promise.all(people.map(() => testBoxKey())) : [];
  const epochKey = testBytes(4242);
  const g = encrypted ? await encryptedGenesis(owner, boxes[0]!, epochKey) : await genesis(owner, 'bench');
  const ctx = g.id;
  const governanceOps: Op[] = [g];
  for (const [i, p] of people.slice(1).entries()) {
    const inv = await invite(owner.device, ctx, { role: 'writer', nonce: i + 1 });
    const join = encrypted ? boxedJoinBody(p.device, inv, boxes[i + 1]) : joinBody(p.device, inv);
    governanceOps.push(await op(p.device, ctx, [governanceOps.at(-1)!], join));
  }

  const docs = people.map((_, i) => {
    const doc = new Y.Doc();
    doc.clientID = i + 1;
    return doc;
  });
  let heads: Op[] = [governanceOps.at(-1)!];
  const deltaOps: Op[] = [];
  const updates: Uint8Array[] = [];
  for (let round = 0; round < rounds; round++) {
    const roundUpdates = docs.map((doc, w) => {
      let update: Uint8Array = new Uint8Array();
      const grab = (u: Uint8Array) => (update = u);
      doc.on('update', grab);
      doc.getMap('state').set(`key${(round * writers + w) % FIXTURE_KEYS}`, { n: round, by: people[w]!.name, text: 'a short note' });
      doc.off('update', grab);
      return update;
    });
    const parents = heads;
    heads = await Promise.all(
      roundUpdates.map((update, w) => op(people[w]!.device, ctx, parents, deltaOf(update, encrypted ? { ctx, key: epochKey, nonce: testBytes(round * writers + w + 1, 24) } : undefined), parents[0]!.time + 1)),
    );
    deltaOps.push(...heads);
    updates.push(...roundUpdates);
    for (const [w, doc] of docs.entries()) {
      for (const [v, update] of roundUpdates.entries()) if (v !== w) Y.applyUpdate(doc, update);
    }
  }
  return {
    contextId: ctx,
    governance: governanceOps.map(encodeOp),
    deltas: deltaOps.map(encodeOp),
    deltaOps,
    updates,
    ...(encrypted && { epochKey: { keyOp: idKey(ctx), key: epochKey } }),
  };
}

/** A built-in writer's delta: clear, or sealed under an epoch key as an encrypted context's are. */
function deltaOf(update: Uint8Array, sealing?: { ctx: Uint8Array; key: Uint8Array; nonce: Uint8Array }): OpBody {
  const body = { writer: 'kv', update, call: undefined, events: [] };
  if (!sealing) return { kind: 'delta', ...body };
  const { ctx, key, nonce } = sealing;
  return { kind: 'sealed-delta', keyOp: ctx, nonce, sealed: sealDeltaBody(key, nonce, ctx, ctx, body) };
}

/** A device whose key WebCrypto holds imported (testkit's devices import it on every signature). */
async function heldKeyDevice(root: Signer, n: number): Promise<Device> {
  const signer = await webCryptoHeldSigner(new Uint8Array(32).fill(0xb0 + n));
  const delegation = await signLocalDelegation(root, { clientKey: signer.publicKey, label: 'bench', issuedAt: T0 - DAY, expiresAt: T0 + 300 * DAY });
  return { signer, delegation: delegationCodec.encode(delegation) };
}
