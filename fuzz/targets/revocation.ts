import { REVOCATION_LIMITS, revocationCodec } from '../../src/core/identity/index.ts';
import { codecTarget } from '../codecTarget.ts';
import { identitySamples } from '../samples/identity.ts';
import { ROOT_ID_TOKENS } from '../tokens.ts';

export const revocationTarget = codecTarget({
  name: 'revocation',
  decoder: 'revocationCodec.decode (src/core/identity/revocation.ts)',
  seeds: async () => (await identitySamples()).revocations,
  decode: (input) => revocationCodec.decode(input),
  encode: (value) => revocationCodec.encode(value),
  tag: 0x11,
  maxInputBytes: REVOCATION_LIMITS.encodedBytes + 64,
  dictionary: ROOT_ID_TOKENS,
});
