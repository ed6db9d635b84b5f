// Builders for tests and simulations: people with roots and devices, and the ops they sign.
import { seedSigner, type Signer } from '../crypto/index.ts';
import { delegationCodec, localRootId, revocationCodec, signLocalDelegation, signLocalRevocation, type RootId } from '../identity/index.ts';
import { signInvite, type Invite } from '../invitation/invite.ts';
import { GENESIS_CONTEXT, signOp, type Op, type OpBody } from '../ops/op.ts';
import type { Role } from '../ops/roles.ts';
import * as Y from 'yjs';
import type { AnchorBinding } from '../anchor/AnchorChain.ts';
import { anchorFieldOf } from '../anchor/binding.ts';
import type { StateSink } from './replica.ts';

export const T0 = Date.UTC(2026, 10, 24);
const DAY = 86_400_000;

export interface Device {
  signer: Signer;
  delegation: Uint8Array;
}

export interface Person {
  name: string;
  root: Signer;
  rootId: RootId;
  device: Device;
}

function seed(n: number): Uint8Array {
  const s = new Uint8Array(32);
  s[0] = n & 0xff;
  s[1] = (n >> 8) & 0xff;
  s[31] = 0x5a;
  return s;
}

let deviceCounter = 1000;

export async function newDevice(root: Signer, label = 'device', issuedAt = T0 - DAY, lifetime = 365 * DAY): Promise<Device> {
  const signer = await seedSigner(seed(deviceCounter++));
  const d = await signLocalDelegation(root, { clientKey: signer.publicKey, label, issuedAt, expiresAt: issuedAt + lifetime });
  return { signer, delegation: delegationCodec.encode(d) };
}

export async function person(name: string, n: number): Promise<Person> {
  const root = await seedSigner(seed(n));
  return { name, root, rootId: localRootId(root.publicKey), device: await newDevice(root, name) };
}

/**
 * `origins`: the sites wallet delegations may be signed for (local roots need none);
 * `anchor`: the chain registry it is bound to (the owner must be an Ethereum root).
 */
export async function genesis(owner: Pick<Person, 'device'>, name = 'Test context', time = T0, origins: string[] = [], anchor?: AnchorBinding): Promise<Op> {
  return signOp(owner.device.signer, {
    context: GENESIS_CONTEXT,
    parents: [],
    time,
    body: { kind: 'genesis', name, appId: new Uint8Array(32), verifiable: false, nonce: new Uint8Array(16), delegation: owner.device.delegation, origins, anchor: anchor && anchorFieldOf(anchor) },
  });
}

export function op(device: Device, context: Uint8Array, parents: (Op | Uint8Array)[], body: OpBody, time = T0 + 1000): Promise<Op> {
  return signOp(device.signer, { context, parents: parents.map((p) => (p instanceof Uint8Array ? p : p.id)), time, body });
}

export function invite(
  by: Device,
  context: Uint8Array,
  options: { role?: Role; maxUses?: number; expiresAt?: number; nonce?: number; boxKey?: Uint8Array } = {},
): Promise<Invite> {
  const nonce = new Uint8Array(16);
  nonce[0] = options.nonce ?? 1;
  return signInvite(by.signer, {
    context,
    contextName: 'Test context',
    role: options.role ?? 'writer',
    expiresAt: options.expiresAt ?? T0 + 7 * DAY,
    maxUses: options.maxUses ?? 1,
    secret: new Uint8Array(32).fill(7),
    signaling: ['ws://127.0.0.1:8080/signal'],
    nonce,
    ...(options.boxKey && { boxKey: options.boxKey }),
  });
}

export function joinBody(who: Device, inv: Invite): OpBody {
  return { kind: 'join', invite: inv, delegation: who.delegation };
}

let yjsClient = 1;

/** A real state delta: a Yjs update (of its own Yjs client) setting key `text` to `text`. */
export function deltaBody(text: string): OpBody {
  const doc = new Y.Doc();
  doc.clientID = yjsClient++;
  let update: Uint8Array = new Uint8Array();
  doc.on('update', (u: Uint8Array) => (update = u));
  doc.getMap('state').set(text, text);
  return { kind: 'delta', writer: 'kv', update, call: undefined, events: [] };
}

/** The key a `deltaBody` update sets (for sinks that record what was applied). */
export function deltaText(update: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return [...doc.getMap('state').keys()][0] ?? '';
}

export async function revokeKeyBody(root: Signer, device: Device, reason = 'lost'): Promise<OpBody> {
  const r = await signLocalRevocation(root, { clientKey: device.signer.publicKey, revokedAt: T0, reason });
  return { kind: 'revoke-key', revocation: revocationCodec.encode(r) };
}

/** A StateSink that records which deltas are applied: the "state" is the set of their texts. */
export function recordingSink(): StateSink & { applied: Map<string, string>; rebuilds: number } {
  const applied = new Map<string, string>();
  const sink = {
    applied,
    rebuilds: 0,
    apply(key: string, update: Uint8Array) {
      applied.set(key, deltaText(update));
    },
    rebuild(valid: Iterable<[string, Uint8Array]>) {
      sink.rebuilds++;
      applied.clear();
      for (const [k, u] of valid) sink.apply(k, u);
    },
  };
  return sink;
}

/** A deterministic shuffle (for arrival orders in property tests). */
export function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
