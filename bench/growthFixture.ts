// A fast fixture for growth benchmarks: a signed context history of N ops built by signing
// ops directly with the core APIs (no node, no replica), cached on disk.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { invite, joinBody, op, T0, type Device } from '../src/core/context/testkit.ts';
import { seedSigner, taggedHash } from '../src/core/crypto/index.ts';
import { delegationCodec, signLocalDelegation } from '../src/core/identity/index.ts';
import { encodeOp, GENESIS_CONTEXT, opId, signOp, sortIds, type Op, type OpBody, type UnsignedOp } from '../src/core/ops/op.ts';
import { draftUpdate } from '../src/core/state/draft.ts';
import { KV_APP_ID } from '../src/node/apps/kvApp.ts';
import { memberDevice } from './fixtureMembers.ts';

export { memberDevice, memberSeeds } from './fixtureMembers.ts';

/** A context's history, encoded, parents before children: what a store holds for it. */
export interface GrowthFixture {
  contextId: Uint8Array;
  /** Genesis and joins. */
  governance: Uint8Array[];
  /** Delta ops by several authors, parents before children. */
  deltas: Uint8Array[];
  /** Members that author deltas (the owner and the joiners). */
  members: number;
}

const DAY = 86_400_000;
/** Keys of the state map: most writes overwrite an earlier value, as in a long-lived context. */
export const GROWTH_KEYS = 500;
/** The owner plus this many joined writers author the deltas. */
export const GROWTH_JOINERS = 4;
/** Bumped whenever the fixture's content changes, so stale caches are not read. */
const VERSION = 3;
const CACHE_DIR = fileURLToPath(new URL('./.cache/', import.meta.url));

/** A deterministic pseudo-random stream (so the cached fixture is the one a build gives). */
function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

/**
 * `total` ops in all: the genesis, GROWTH_JOINERS joins, then deltas. The deltas come in
 * rounds: in each round 1 to 5 of the members (seeded) set one key each, concurrently: each
 * op's parents are all of the previous round's ops, and its Yjs update is drafted on the
 * state as of the end of the previous round (what each writer had seen). Op ids are computed
 * before signing, so all signatures are made in large concurrent batches.
 */
export async function buildGrowthFixture(total: number): Promise<GrowthFixture> {
  const writers = GROWTH_JOINERS + 1;
  const devices = await Promise.all(Array.from({ length: writers }, (_, i) => memberDevice(i)));
  const owner = devices[0]!;
  // The built-in kv app, as contexts.create makes it: a node opening the context can write in it.
  const g = await signOp(owner.signer, {
    context: GENESIS_CONTEXT,
    parents: [],
    time: T0,
    body: { kind: 'genesis', name: 'growth bench', appId: KV_APP_ID, verifiable: false, nonce: new Uint8Array(16), delegation: owner.delegation, origins: [], anchor: undefined },
  });
  const ctx = g.id;
  const governanceOps: Op[] = [g];
  for (const [i, d] of devices.slice(1).entries()) {
    const inv = await invite(owner, ctx, { role: 'writer', nonce: i + 1 });
    governanceOps.push(await op(d, ctx, [governanceOps.at(-1)!], joinBody(d, inv), T0 + 1000 + i));
  }

  const random = lcg(total);
  const base = new Y.Doc();
  const unsigned: { writer: number; op: UnsignedOp; id: Uint8Array }[] = [];
  let heads: Uint8Array[] = [governanceOps.at(-1)!.id];
  let time = T0 + 10_000;
  const deltaCount = total - governanceOps.length;
  let round = 0;
  while (unsigned.length < deltaCount) {
    const n = Math.min(deltaCount - unsigned.length, 1 + Math.floor(random() * writers));
    const start = Math.floor(random() * writers);
    const roundOps: { writer: number; op: UnsignedOp; id: Uint8Array; update: Uint8Array }[] = [];
    time += 1 + Math.floor(random() * 2000);
    for (let k = 0; k < n; k++) {
      const w = (start + k) % writers;
      const key = `key${Math.floor(random() * GROWTH_KEYS)}`;
      const update = draftUpdate(base, w + 1, (draft) => draft.set(key, { n: round, by: `W${w}`, text: 'a short note' }))!;
      const body: OpBody = { kind: 'delta', writer: 'kv', update, call: undefined, events: [] };
      const full: UnsignedOp = { context: ctx, parents: sortIds(heads), author: devices[w]!.signer.publicKey, time: time + k, body };
      roundOps.push({ writer: w, op: full, id: opId(full), update });
    }
    for (const r of roundOps) Y.applyUpdate(base, r.update);
    unsigned.push(...roundOps);
    heads = roundOps.map((r) => r.id);
    round++;
  }

  const signed: Op[] = new Array(unsigned.length);
  const BATCH = 1024;
  for (let i = 0; i < unsigned.length; i += BATCH) {
    await Promise.all(
      unsigned.slice(i, i + BATCH).map(async (u, j) => {
        const signature = await devices[u.writer]!.signer.sign(signingBytesOf(u.id));
        signed[i + j] = { ...u.op, id: u.id, signature };
      }),
    );
  }
  return { contextId: ctx, governance: governanceOps.map(encodeOp), deltas: signed.map(encodeOp), members: writers };
}

// What signOp signs: the op id under the signature tag (kept in step with op.ts; the unit test
// checks a replica accepts every op, which fails if this drifts).
const signingBytesOf = (id: Uint8Array) => taggedHash('tabnode/op-signature/v1', id);

/** The fixture of `total` ops, from bench/.cache/ when built before (gitignored), else built and cached. */
export async function growthFixture(total: number, { cache = true } = {}): Promise<GrowthFixture & { cached: boolean; buildMs: number }> {
  const file = `${CACHE_DIR}growth-v${VERSION}-${total}.bin`;
  const start = performance.now();
  if (cache && existsSync(file)) {
    // A plain Uint8Array (as IndexedDB and a fresh build give), not a Node Buffer: ops sliced
    // from a Buffer are Buffers, whose fields the replica then mixes with Uint8Arrays.
    const f = decodeFixture(new Uint8Array(readFileSync(file)));
    return { ...f, cached: true, buildMs: performance.now() - start };
  }
  const f = await buildGrowthFixture(total);
  const buildMs = performance.now() - start;
  if (cache) {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(`${file}.tmp`, encodeFixture(f));
    renameSync(`${file}.tmp`, file);
  }
  return { ...f, cached: false, buildMs };
}

/** [u32 members][32 context][u32 governance count][u32 delta count] then per op [u32 length][bytes]. */
function encodeFixture(f: GrowthFixture): Uint8Array {
  const ops = [...f.governance, ...f.deltas];
  const size = 4 + 32 + 8 + ops.reduce((s, o) => s + 4 + o.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, f.members);
  out.set(f.contextId, 4);
  view.setUint32(36, f.governance.length);
  view.setUint32(40, f.deltas.length);
  let at = 44;
  for (const o of ops) {
    view.setUint32(at, o.length);
    out.set(o, at + 4);
    at += 4 + o.length;
  }
  return out;
}

function decodeFixture(bytes: Uint8Array): GrowthFixture {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const members = view.getUint32(0);
  const contextId = bytes.slice(4, 36);
  const g = view.getUint32(36);
  const d = view.getUint32(40);
  const ops: Uint8Array[] = [];
  let at = 44;
  for (let i = 0; i < g + d; i++) {
    const len = view.getUint32(at);
    ops.push(bytes.slice(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return { contextId, governance: ops.slice(0, g), deltas: ops.slice(g), members };
}
