import { syncCodec } from '../../src/core/sync/messages.ts';
import { codecTarget } from '../codecTarget.ts';
import { wireSamples } from '../samples/wire.ts';
import { ROOT_ID_TOKENS } from '../tokens.ts';

export const syncTarget = codecTarget({
  name: 'sync',
  decoder: 'syncCodec.decode (src/core/sync/messages.ts)',
  seeds: async () => (await wireSamples()).syncMessages,
  decode: (input) => syncCodec.decode(input),
  encode: (value) => syncCodec.encode(value),
  tag: 0x50,
  maxInputBytes: 16 * 1024,
  dictionary: [...ROOT_ID_TOKENS, Uint8Array.of(0x20, 1), Uint8Array.of(0x30, 1), Uint8Array.of(0x40, 1), Uint8Array.of(0x10, 1)],
});
