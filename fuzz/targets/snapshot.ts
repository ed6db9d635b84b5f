import { snapshotCodec } from '../../src/core/state/snapshot.ts';
import { codecTarget } from '../codecTarget.ts';
import { contextSamples } from '../samples/context.ts';

/** Snapshots come from this profile's storage, which other tabs and extensions can write too. */
export const snapshotTarget = codecTarget({
  name: 'snapshot',
  decoder: 'snapshotCodec.decode (src/core/state/snapshot.ts)',
  seeds: async () => (await contextSamples()).snapshots,
  decode: (input) => snapshotCodec.decode(input),
  encode: (value) => snapshotCodec.encode(value),
  tag: 0x41,
  maxInputBytes: 16 * 1024,
});
