// Ops of every kind, invites, checkpoints, snapshots and state updates, really signed by
// the identity samples' people.
import * as Y from 'yjs';
import { T0, deltaBody, genesis, invite, joinBody, newDevice, op, revokeKeyBody } from '../../src/core/context/testkit.ts';
import { toHex } from '../../src/core/crypto/index.ts';
import { inviteCodec, signInvite } from '../../src/core/invitation/invite.ts';
import { encodeOp, type Op } from '../../src/core/ops/op.ts';
import { draftUpdate } from '../../src/core/state/draft.ts';
import { encodeCheckpoint, signCheckpoint } from '../../src/core/state/checkpoint.ts';
import { snapshotCodec } from '../../src/core/state/snapshot.ts';
import { identitySamples } from './identity.ts';

export interface ContextSamples {
  /** Decoded, for building messages that carry them. */
  ops: Op[];
  encodedOps: Uint8Array[];
  invites: Uint8Array[];
  checkpoints: Uint8Array[];
  snapshots: Uint8Array[];
  /** Yjs updates: state deltas the gate accepts, and a few it refuses (other content). */
  stateUpdates: Uint8Array[];
}

let built: Promise<ContextSamples> | undefined;

export function contextSamples(): Promise<ContextSamples> {
  built ??= build();
  return built;
}

async function build(): Promise<ContextSamples> {
  const { alice, bob, carol } = await identitySamples();
  const g = await genesis(alice, 'Fuzz ✓ context');
  const ctx = g.id;
  const inviteForBob = await invite(alice.device, ctx, { role: 'writer', maxUses: 2 });
  const wideInvite = await signInvite(alice.device.signer, {
    context: ctx,
    contextName: 'Ünïcode and a long-ish name for the context',
    role: 'admin',
    expiresAt: T0 + 86_400_000,
    maxUses: 1000,
    secret: new Uint8Array(32).fill(0xab),
    signaling: ['wss://signal.example/a', 'ws://127.0.0.1:8080/signal', 'wss://[::1]:9/x?y=z'],
    nonce: new Uint8Array(16).fill(0xcd),
  });
  const join = await op(bob.device, ctx, [g], joinBody(bob.device, inviteForBob));
  const laptop = await newDevice(alice.root, 'laptop');
  const updates = await stateUpdates();
  const ops = [
    g,
    join,
    await op(alice.device, ctx, [g], { kind: 'add-device', delegation: laptop.delegation }),
    await op(alice.device, ctx, [join], { kind: 'set-role', member: bob.rootId, role: 'admin' }),
    await op(alice.device, ctx, [join], { kind: 'remove', member: carol.rootId }),
    await op(bob.device, ctx, [join], { kind: 'leave' }),
    await op(alice.device, ctx, [join], await revokeKeyBody(alice.root, laptop)),
    await op(alice.device, ctx, [g, join], { kind: 'revoke-invite', invite: new Uint8Array(32).fill(3) }),
    await op(bob.device, ctx, [join], {
      kind: 'anchored-revoke-key',
      clientKey: laptop.signer.publicKey,
      evidence: { txHash: new Uint8Array(32).fill(0x7a), logIndex: 2, blockNumber: 19_000_000, blockTime: 1_764_000_000, by: new Uint8Array(20).fill(0x11), asAdmin: true },
    }),
    // A genesis anchored to a chain registry (its own context).
    await genesis(alice, 'Anchored', T0, [], { chainId: 31337, registry: '0x5fbdb2315678afecb367f032d93f642f64180aa3', owner: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8' }),
    await op(bob.device, ctx, [join], deltaBody('hello')),
    await op(bob.device, ctx, [g, join], {
      kind: 'delta',
      writer: 'app',
      update: updates[0]!,
      call: { method: 'set', input: new TextEncoder().encode('{"key":"a","value":[1,2,{"b":null}]}') },
      events: [
        { name: 'changed', hashed: false, payload: new TextEncoder().encode('{"key":"a"}') },
        { name: 'secret', hashed: true, payload: new Uint8Array(32).fill(9) },
      ],
    }),
  ];
  const heads = ops.slice(-3).map((o) => o.id);
  const checkpoints = [
    await signCheckpoint(alice.device.signer, { context: ctx, heads, governanceRoot: new Uint8Array(32).fill(1), stateRoot: new Uint8Array(32).fill(2), opCount: ops.length, time: T0, anchor: { seq: 3, recordHash: new Uint8Array(32).fill(4), blockNumber: 9, txHash: new Uint8Array(32).fill(5) } }),
    await signCheckpoint(bob.device.signer, { context: ctx, heads: [g.id], governanceRoot: new Uint8Array(32), stateRoot: new Uint8Array(32), opCount: 1, time: 0, anchor: undefined }),
  ].map(encodeCheckpoint);
  const doc = new Y.Doc();
  for (const u of updates.slice(0, 3)) Y.applyUpdate(doc, u);
  const snapshots = [
    snapshotCodec.encode({ deltas: ops.slice(-2).map((o) => toHex(o.id)).sort(), update: Y.encodeStateAsUpdate(doc) }),
    snapshotCodec.encode({ deltas: [], update: Y.encodeStateAsUpdate(new Y.Doc()) }),
  ];
  return {
    ops,
    encodedOps: ops.map(encodeOp),
    invites: [inviteForBob, wideInvite, await invite(bob.device, ctx, { role: 'reader', nonce: 9 })].map((i) => inviteCodec.encode(i)),
    checkpoints,
    snapshots,
    stateUpdates: updates,
  };
}

/** Real deltas as the kv writer makes them (set, overwrite, remove), then updates the gate refuses. */
async function stateUpdates(): Promise<Uint8Array[]> {
  const doc = new Y.Doc();
  const accepted: Uint8Array[] = [];
  const write = (clientID: number, run: Parameters<typeof draftUpdate>[2]) => {
    const update = draftUpdate(doc, clientID, run)!;
    Y.applyUpdate(doc, update);
    accepted.push(update);
  };
  write(11, (d) => {
    d.set('a', { list: [1, -2.5, 'three', null, true, false], nested: { deep: { deeper: [[], {}] } } });
    d.set('ünïcode ✓', 'value');
  });
  write(12, (d) => d.set('a', 42));
  write(11, (d) => {
    d.remove('ünïcode ✓');
    d.set('b', 'x'.repeat(300));
  });
  // Keys that name Object.prototype's members, as values may (a renamed key makes a prototype).
  write(13, (d) => d.set('c', JSON.parse('{"proto":{"constructor":{"name":{"toString":1}}},"toString":1}')));

  // Content the layout refuses: a Yjs decoder still has to read all of it.
  const foreign = new Y.Doc();
  foreign.clientID = 21;
  const refused: Uint8Array[] = [];
  foreign.on('update', (u: Uint8Array) => refused.push(u));
  foreign.getText('text').insert(0, 'hello', { bold: true });
  foreign.getMap('state').set('nested', new Y.Map());
  foreign.getMap('state').set('binary', new Uint8Array([1, 2, 3]));
  const listPart = new Y.Doc();
  listPart.clientID = 22;
  listPart.on('update', (u: Uint8Array) => refused.push(u));
  listPart.getArray('state').push([1, 'two']); // the list part of "state": refused too
  foreign.getXmlFragment('xml').insert(0, [new Y.XmlElement('p')]);
  foreign.getMap('state').set('doc', new Y.Doc());
  return [...accepted, ...refused];
}
