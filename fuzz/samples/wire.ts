// Messages peers exchange: sync messages of every kind, directory messages and the sealed
// answer's plaintext, and data-channel frames carrying them.
import { BOX_LIMITS, newRawBoxKey } from '../../src/core/crypto/hpke.ts';
import { directoryCodec, directoryRoom, entriesCodec, type DirectoryEntry } from '../../src/core/directory/index.ts';
import { askContext } from '../../src/core/directory/link.ts';
import { DIRECTORY_PROTOCOL_VERSION } from '../../src/core/directory/messages.ts';
import { inviteCodec } from '../../src/core/invitation/invite.ts';
import { PROTOCOL_VERSION, syncCodec, type SyncMessage } from '../../src/core/sync/messages.ts';
import { signHandshake } from '../../src/core/sync/handshake.ts';
import { closeFrame, messageFrames, readyFrame } from '../../src/adapters/webrtc/frames.ts';
import { contextSamples } from './context.ts';
import { identitySamples } from './identity.ts';

export interface WireSamples {
  syncMessages: Uint8Array[];
  directoryMessages: Uint8Array[];
  directoryEntries: Uint8Array[];
  /** Each sample is the frames of one exchange, in order. */
  frameSequences: Uint8Array[][];
}

let built: Promise<WireSamples> | undefined;

export function wireSamples(): Promise<WireSamples> {
  built ??= build();
  return built;
}

const nonce = (fill: number) => new Uint8Array(32).fill(fill);

async function build(): Promise<WireSamples> {
  const { alice, bob } = await identitySamples();
  const c = await contextSamples();
  const ctx = c.ops[0]!.id;
  const ids = c.ops.map((o) => o.id);
  const sync: SyncMessage[] = [
    { kind: 'hello', protocol: PROTOCOL_VERSION, context: ctx, nonce: nonce(1), time: 1_764_000_000_000 },
    {
      kind: 'auth',
      key: alice.device.signer.publicKey,
      delegation: alice.device.delegation,
      credential: { kind: 'member' },
      signature: await signHandshake(alice.device.signer, ctx, nonce(1), nonce(2)),
    },
    {
      kind: 'auth',
      key: bob.device.signer.publicKey,
      delegation: bob.device.delegation,
      credential: { kind: 'invite', invite: inviteCodec.decode(c.invites[0]!) },
      signature: await signHandshake(bob.device.signer, ctx, nonce(2), nonce(1)),
    },
    { kind: 'heads', heads: ids.slice(-3), sample: ids.slice(0, 4), count: ids.length },
    { kind: 'want', ids: ids.slice(1, 6) },
    { kind: 'ops', ops: c.encodedOps.slice(0, 4) },
    { kind: 'ops', ops: [] },
    { kind: 'checkpoint', checkpoint: c.checkpoints[0]! },
    { kind: 'app-want', hash: nonce(7) },
    { kind: 'app', bytes: Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0) },
    { kind: 'refused', code: 'not-a-member', reason: 'not a member of this context' },
    { kind: 'bye', reason: '' },
  ];
  const syncMessages = sync.map((m) => syncCodec.encode(m));

  const room = directoryRoom(alice.rootId);
  const box = await newRawBoxKey(new Uint8Array(32).fill(5));
  const entries: DirectoryEntry[] = [
    { context: ctx, name: 'Fuzz ✓ context', secret: nonce(0xab), signaling: ['ws://127.0.0.1:8080/signal'] },
    { context: nonce(3), name: '', secret: nonce(4), signaling: [] },
  ];
  const directoryEntries = [entriesCodec.encode(entries), entriesCodec.encode([])];
  const directoryMessages = [
    directoryCodec.encode({ kind: 'hello', protocol: DIRECTORY_PROTOCOL_VERSION, room: room.id, nonce: nonce(8), gotYours: false }),
    directoryCodec.encode({ kind: 'hello', protocol: DIRECTORY_PROTOCOL_VERSION, room: room.id, nonce: nonce(9), gotYours: true }),
    directoryCodec.encode({
      kind: 'ask',
      key: alice.device.signer.publicKey,
      delegation: alice.device.delegation,
      boxKey: box.publicKey,
      signature: await signHandshake(alice.device.signer, askContext(room.id, box.publicKey), nonce(8), nonce(9)),
    }),
    // The codec sees opaque bytes of a real box's shape; a real seal would differ every run
    // (HPKE draws its ephemeral key), and the samples stay deterministic.
    directoryCodec.encode({ kind: 'entries', box: { enc: nonce(10), sealed: new Uint8Array([...directoryEntries[0]!, ...new Uint8Array(BOX_LIMITS.tagBytes).fill(0x5a)]) } }),
    directoryCodec.encode({ kind: 'refused', reason: 'not a device of this root' }),
    directoryCodec.encode({ kind: 'bye', reason: 'closing' }),
  ];

  const frameSequences = [
    [readyFrame(), ...messageFrames(syncMessages[1]!, 64), closeFrame('done')],
    [readyFrame(), ...messageFrames(syncMessages[5]!, 512), ...messageFrames(syncMessages[0]!)],
    [readyFrame(), ...messageFrames(new Uint8Array(0)), ...messageFrames(directoryMessages[3]!, 100)],
    [closeFrame('protocol error: ünïcode reason')],
  ];
  return { syncMessages, directoryMessages, directoryEntries, frameSequences };
}
