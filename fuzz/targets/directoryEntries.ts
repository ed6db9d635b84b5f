import { entriesCodec } from '../../src/core/directory/messages.ts';
import { codecTarget } from '../codecTarget.ts';
import { wireSamples } from '../samples/wire.ts';
import { tokens } from '../tokens.ts';

/** The plaintext of a sealed directory answer: authenticated, but written by another node. */
export const directoryEntriesTarget = codecTarget({
  name: 'directory-entries',
  decoder: 'entriesCodec.decode (src/core/directory/messages.ts)',
  seeds: async () => (await wireSamples()).directoryEntries,
  decode: (input) => entriesCodec.decode(input),
  encode: (value) => entriesCodec.encode(value),
  tag: 0x61,
  maxInputBytes: 8 * 1024,
  dictionary: tokens('wss://', 'ws://'),
});
