import { CHECKPOINT_LIMITS, decodeCheckpoint, encodeCheckpoint } from '../../src/core/state/checkpoint.ts';
import { codecTarget } from '../codecTarget.ts';
import { contextSamples } from '../samples/context.ts';

export const checkpointTarget = codecTarget({
  name: 'checkpoint',
  decoder: 'decodeCheckpoint (src/core/state/checkpoint.ts)',
  seeds: async () => (await contextSamples()).checkpoints,
  decode: decodeCheckpoint,
  encode: encodeCheckpoint,
  tag: 0x40,
  version: 1,
  maxInputBytes: CHECKPOINT_LIMITS.encodedBytes + 64,
});
