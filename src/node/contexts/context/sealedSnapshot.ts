import type { Sealer } from '../../../core/context/seals.ts';
import { concatBytes } from '../../../core/crypto/index.ts';

const MAC_BYTES = 32;
/** Seal domain for snapshots: a seal's entries never read as a snapshot, nor the reverse. */
const snapshotContext = (context: string) => `${context}/snapshot`;

/** Snapshot bytes as stored: MAC ‖ snapshot, the MAC by the profile's seal key. */
export async function sealSnapshot(sealer: Sealer, context: string, snapshot: Uint8Array): Promise<Uint8Array> {
  return concatBytes(await sealer.mac(snapshotContext(context), snapshot), snapshot);
}

/** The snapshot inside stored bytes, or undefined when its MAC fails (edited, or stored by another profile or version). */
export async function openSealedSnapshot(sealer: Sealer, context: string, stored: Uint8Array): Promise<Uint8Array | undefined> {
  if (stored.length < MAC_BYTES) return undefined;
  const snapshot = stored.subarray(MAC_BYTES);
  return (await sealer.check(snapshotContext(context), snapshot, stored.subarray(0, MAC_BYTES))) ? snapshot : undefined;
}
