import { directoryCodec } from '../../src/core/directory/messages.ts';
import { codecTarget } from '../codecTarget.ts';
import { wireSamples } from '../samples/wire.ts';

export const directoryTarget = codecTarget({
  name: 'directory',
  decoder: 'directoryCodec.decode (src/core/directory/messages.ts)',
  seeds: async () => (await wireSamples()).directoryMessages,
  decode: (input) => directoryCodec.decode(input),
  encode: (value) => directoryCodec.encode(value),
  tag: 0x60,
  maxInputBytes: 8 * 1024,
  dictionary: [Uint8Array.of(0x10, 1), Uint8Array.of(0x61, 1)],
});
