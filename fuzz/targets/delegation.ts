import { DELEGATION_LIMITS, delegationCodec } from '../../src/core/identity/index.ts';
import { codecTarget } from '../codecTarget.ts';
import { identitySamples } from '../samples/identity.ts';
import { ROOT_ID_TOKENS, tokens } from '../tokens.ts';

export const delegationTarget = codecTarget({
  name: 'delegation',
  decoder: 'delegationCodec.decode (src/core/identity/delegation.ts)',
  seeds: async () => (await identitySamples()).delegations,
  decode: (input) => delegationCodec.decode(input),
  encode: (value) => delegationCodec.encode(value),
  tag: 0x10,
  maxInputBytes: DELEGATION_LIMITS.encodedBytes + 64,
  dictionary: [...ROOT_ID_TOKENS, ...tokens('SN_MAIN', 'SN_SEPOLIA', 'https://', 'abcdefgh')],
});
