import { generateBoxKeyPair } from '../../../adapters/webcrypto/boxKeys.ts';
import { afterEach, describe, expect, test, vi } from 'vitest';
import * as ed25519 from '../../../core/crypto/ed25519.ts';
import * as Y from 'yjs';
import { sealEntries } from '../../../core/context/seals.ts';
import { decodeOp, encodeOp, idKey } from '../../../core/ops/op.ts';
import { draftUpdate, snapshotCodec } from '../../../core/state/index.ts';
import { stateMap } from '../../../core/state/layout.ts';
import * as snapshotSeal from '../../../core/epochs/snapshot.ts';
import { toHex } from '../../../core/crypto/index.ts';
import { memoryStore, type Store } from '../../../core/store/index.ts';
import type { TabnodeNode } from '../../createNode.ts';
import { realTimeScheduler } from '../../scheduler.ts';
import { bareTestNode, testNode, until } from '../../testing.ts';
import { memoryMeshHub } from '../memoryMesh.ts';

// Every Ed25519 verification in the process goes through this spy: op signatures,
// delegations, invites, revocations (acceptance: "count signature checks").
vi.mock('../../../core/crypto/ed25519.ts', async (original) => {
  const real = await original<typeof import('../../../core/crypto/ed25519.ts')>();
  return { ...real, verifyEd25519: vi.fn(real.verifyEd25519) };
});
const verifyCalls = () => vi.mocked(ed25519.verifyEd25519).mock.calls.length;

// Snapshots opened under an epoch key, seen from outside.
vi.mock('../../../core/epochs/snapshot.ts', async (original) => {
  const real = await original<typeof import('../../../core/epochs/snapshot.ts')>();
  return { ...real, openSnapshotUnder: vi.fn(real.openSnapshotUnder) };
});

const nodes: TabnodeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

type Hub = ReturnType<typeof memoryMeshHub>;
async function keep(node: Promise<TabnodeNode>): Promise<TabnodeNode> {
  const n = await node;
  nodes.push(n);
  return n;
}

/** What a context looks like, for comparing opens. */
async function picture(node: TabnodeNode, id: string) {
  const v = await node.contexts.open(id).view();
  return { heads: v.heads, opCount: v.opCount, stateRoot: v.stateRoot, kv: v.kv, members: v.members.map((m) => [m.root, m.role]).sort() };
}

/**
 * A context of two members (genesis, join, several writes by each) whose ops the owner's
 * store holds, verified and sealed. Returns the owner's store, the context and its picture.
 */
async function grownContext(hub: Hub, deltas = 12) {
  const store = memoryStore();
  const a = await testNode(hub, 'A', store);
  const b = await keep(testNode(hub, 'B'));
  const id = await a.contexts.create('Kept');
  await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
  await until('B joined', async () => !(await b.contexts.open(id).view()).joining);
  for (let i = 0; i < deltas; i++) await (i % 2 ? b : a).contexts.open(id).write({ method: 'set', args: { key: `k${i % 5}`, value: i } });
  // Besides genesis, join and the writes: the invite's grant of the epoch key and the joiner's
  // grant to its own device (a member may grant it too: count the writes, not every op).
  await until('A has every write', async () => (await a.contexts.open(id).audit()).filter((e) => e.kind === 'sealed-delta').length === deltas && (await a.contexts.open(id).view()).opCount >= 4 + deltas);
  const before = await picture(a, id);
  await a.close();
  await b.close();
  nodes.splice(nodes.indexOf(b), 1);
  return { store, id, before };
}

/** Open the store's context in a new node; the Ed25519 verifications the open made. */
async function reopen(hub: Hub, store: Store, id: string, total: number) {
  const start = verifyCalls();
  const node = await keep(bareTestNode(hub, 'A again', { store }));
  await until('the context reopened', async () => (await node.contexts.open(id).view()).opCount >= total);
  return { node, checks: verifyCalls() - start };
}

/** A store whose reads are passed through `edit` first: someone editing IndexedDB between sessions. */
function edited(store: Store, edit: { ops?: (ops: Uint8Array[]) => Uint8Array[]; seals?: typeof store.seals; snapshot?: (bytes: Uint8Array | undefined) => Uint8Array | undefined }): Store {
  return {
    ...store,
    ops: async (c) => (edit.ops ? edit.ops(await store.ops(c)) : store.ops(c)),
    seals: edit.seals ?? store.seals,
    snapshot: async (c) => (edit.snapshot ? edit.snapshot(await store.snapshot(c)) : store.snapshot(c)),
  };
}

describe('a reopened context trusts what this node verified and sealed', () => {
  test('no signature is checked again; heads, governance and state equal a fully verified open', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const { store, id, before } = await grownContext(hub);

    // A store holding the same ops and nothing else: the open verifies every op.
    const bare = memoryStore();
    await bare.ensureDeviceKey((await store.deviceKey())!);
    // The profile's box key too: the epoch keys in the history are sealed to it.
    await bare.ensureBoxKey(await store.ensureBoxKey(await generateBoxKeyPair()));
    await bare.setRoot((await store.root())!);
    for (const d of await store.delegations()) await bare.putDelegation(d);
    for (const c of await store.contexts()) await bare.putContext(c);
    await bare.putOps(id, (await store.ops(id)).map((bytes) => ({ key: idKey(decodeOp(bytes).id), bytes })));
    const full = await reopen(hub, bare, id, before.opCount);
    expect(full.checks).toBeGreaterThanOrEqual(before.opCount);
    const fullPicture = await picture(full.node, id);
    expect(fullPicture).toEqual(before);

    const trusted = await reopen(hub, store, id, before.opCount);
    expect(trusted.checks).toBe(0);
    expect(await picture(trusted.node, id)).toEqual(fullPicture);

    // And the fully verified open sealed what it verified: its next open checks nothing either.
    await full.node.close();
    nodes.splice(nodes.indexOf(full.node), 1);
    const again = await reopen(hub, bare, id, before.opCount);
    expect(again.checks).toBe(0);
    expect(await picture(again.node, id)).toEqual(before);
  }, 60_000);
});

describe('stored records edited outside the app are detected or harmless (docs/decisions/stored-verdicts.md)', () => {
  /** A context reopened once (so a sealed snapshot is stored too), then opened over an edited store. */
  async function openEdited(edit: Parameters<typeof edited>[1]) {
    const hub = memoryMeshHub(realTimeScheduler);
    const { store, id, before } = await grownContext(hub);
    const first = await reopen(hub, store, id, before.opCount);
    await first.node.close();
    nodes.splice(nodes.indexOf(first.node), 1);
    expect(await store.snapshot(id)).toBeDefined();
    const ops = await store.ops(id);
    const start = verifyCalls();
    const node = await keep(bareTestNode(hub, 'A edited', { store: edited(store, edit) }));
    await until('the context opened', async () => (await node.contexts.open(id).view()).opCount > 0);
    // Give the open time to take in all it will: the op count settles.
    await new Promise((r) => setTimeout(r, 100));
    return { after: await picture(node, id), before, checks: verifyCalls() - start, ops, last: decodeOp(ops.at(-1)!) };
  }

  test('a changed op byte: the op no longer matches its seal, is verified in full and refused', async () => {
    const r = await openEdited({
      ops: (ops) => ops.map((b, i) => (i === ops.length - 1 ? flip(b, b.length - 70) : b)),
    });
    expect(r.checks).toBeGreaterThan(0);
    expect(r.after.opCount).toBe(r.before.opCount - 1);
    expect(r.after.heads).not.toContain(idKey(r.last.id));
  }, 60_000);

  test('a changed signature byte (same id): the seal names the signature too, so it is verified and refused', async () => {
    const r = await openEdited({
      ops: (ops) => ops.map((b, i) => (i === ops.length - 1 ? flip(b, b.length - 1) : b)),
    });
    expect(r.checks).toBeGreaterThan(0);
    expect(r.after.opCount).toBe(r.before.opCount - 1);
  }, 60_000);

  test('a seal edited to vouch for a forged op (a flipped verdict) or carrying a forged MAC vouches for nothing', async () => {
    let forged: Uint8Array | undefined;
    const r = await openEdited({
      ops: (ops) => {
        // The last op with its time changed: a new id, under the old signature (forged).
        const last = decodeOp(ops.at(-1)!);
        forged = encodeOp({ ...last, time: last.time + 1 });
        return [...ops, forged];
      },
      seals: async () => [{ context: 'any', seq: 999, entries: sealEntries([decodeOp(forged!)]), mac: new Uint8Array(32).fill(7) }],
    });
    // Every op fell back to full verification; the forged one was refused, the rest stand.
    expect(r.checks).toBeGreaterThanOrEqual(r.before.opCount + 1);
    expect(r.after).toEqual(r.before);
  }, 60_000);

  test('a changed snapshot fails its MAC: ignored, the state is rebuilt from the ops', async () => {
    const r = await openEdited({
      snapshot: (stored) => {
        // The stored snapshot is encrypted under the epoch key: it does not even decode.
        expect(() => snapshotCodec.decode(stored!.subarray(32))).toThrow();
        // A well-formed snapshot holding a forged value, under the old MAC.
        const doc = new Y.Doc();
        const forged = draftUpdate(doc, 4242, (d) => d.set('k0', 'forged'))!;
        Y.applyUpdate(doc, forged);
        const bytes = snapshotCodec.encode({ deltas: [], update: Y.encodeStateAsUpdate(doc) });
        return new Uint8Array([...stored!.subarray(0, 32), ...bytes]);
      },
    });
    expect(r.after).toEqual(r.before);
    expect(r.after.kv.some(([, v]) => v === 'forged')).toBe(false);
  }, 60_000);
});

describe('a snapshot rests under the epoch key of its heads (docs/decisions/epoch-keys.md, "At rest")', () => {
  test('kept under the key, opened with it on reopen; a store without the key rebuilds the same state from the ops', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const { store, id, before } = await grownContext(hub);
    const opened = vi.mocked(snapshotSeal.openSnapshotUnder);
    const first = await reopen(hub, store, id, before.opCount);
    await first.node.close();
    nodes.splice(nodes.indexOf(first.node), 1);

    // MAC (32) ‖ form 2 (epoch key) ‖ the key op it is under ‖ nonce ‖ ciphertext.
    const kept = (await store.snapshot(id))!.subarray(32);
    expect(kept[0]).toBe(2);
    const keyOp = toHex(kept.subarray(1, 33));
    expect((await store.epochKeys(id)).map((r) => r.keyOp)).toContain(keyOp);

    // A reopen opens it with that key, and it holds the state (the positive control).
    opened.mockClear();
    const again = await reopen(hub, store, id, before.opCount);
    expect(opened).toHaveBeenCalledTimes(1);
    const plain = await opened.mock.results[0]!.value;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, snapshotCodec.decode(plain).update);
    expect([...stateMap(doc).keys()].sort()).toEqual(before.kv.map(([k]) => k).sort());
    expect(await picture(again.node, id)).toEqual(before);
    await again.node.close();
    nodes.splice(nodes.indexOf(again.node), 1);

    // Without the stored epoch keys the snapshot is not opened; the ops (and the boxes in them) rebuild the same state.
    opened.mockClear();
    const keyless = await keep(bareTestNode(hub, 'A keyless', { store: { ...store, epochKeys: async () => [] } as Store }));
    await until('the context reopened', async () => (await keyless.contexts.open(id).view()).opCount >= before.opCount);
    await until('the state rebuilt', async () => JSON.stringify(await picture(keyless, id)) === JSON.stringify(before));
    expect(opened).not.toHaveBeenCalled();
  }, 60_000);
});

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at] = out[at]! ^ 0x01;
  return out;
}

describe('a node that loaded from its seals and snapshot still serves the full history', () => {
  test('a peer joining later catches up every op from it', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const { store, id, before } = await grownContext(hub, 30);
    const warm = await reopen(hub, store, id, before.opCount);
    await warm.node.close();
    nodes.splice(nodes.indexOf(warm.node), 1);
    // This open reads a sealed snapshot and checks no signature: it is the only node online.
    const loaded = await reopen(hub, store, id, before.opCount);
    expect(loaded.checks).toBe(0);
    const c = await keep(testNode(hub, 'C'));
    await c.contexts.join(await loaded.node.contexts.open(id).invite({ role: 'reader' }));
    // The whole history plus what C's coming adds: the invite's grant, C's join, the grant to C's device.
    await until('C has the whole history', async () => (await c.contexts.open(id).view()).opCount >= before.opCount + 3, 20_000);
    const seen = await picture(c, id);
    expect(seen.stateRoot).toBe(before.stateRoot);
    expect(seen.kv).toEqual(before.kv);
    // C's join reaches the loaded node a moment later: then both name the same heads.
    await until('the same heads on both', async () => JSON.stringify((await picture(c, id)).heads) === JSON.stringify((await picture(loaded.node, id)).heads));
  }, 60_000);
});
