import { concatBytes, taggedHash } from '../crypto/index.ts';
import { toBase58, toBase64url } from '../codec/index.ts';

/**
 * Where a context's members meet: a signaling room whose name hides the context id
 * (signaling servers learn neither it nor the secret) and a password that encrypts the
 * signaling messages. Bumping the epoch moves everyone to a new room.
 */
export function rendezvous(contextId: Uint8Array, secret: Uint8Array, epoch = 0): { room: string; password: string } {
  const epochBytes = new Uint8Array(4);
  new DataView(epochBytes.buffer).setUint32(0, epoch);
  return {
    room: `tabnode-${toBase58(taggedHash('tabnode/room/v1', concatBytes(contextId, secret, epochBytes)))}`,
    password: toBase64url(taggedHash('tabnode/room-password/v1', concatBytes(secret, contextId, epochBytes))),
  };
}
