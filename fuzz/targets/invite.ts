import { INVITE_LIMITS, inviteCodec } from '../../src/core/invitation/invite.ts';
import { codecTarget } from '../codecTarget.ts';
import { contextSamples } from '../samples/context.ts';
import { tokens } from '../tokens.ts';

export const inviteTarget = codecTarget({
  name: 'invite',
  decoder: 'inviteCodec.decode (src/core/invitation/invite.ts)',
  seeds: async () => (await contextSamples()).invites,
  decode: (input) => inviteCodec.decode(input),
  encode: (value) => inviteCodec.encode(value),
  tag: 0x30,
  maxInputBytes: INVITE_LIMITS.encodedBytes + 64,
  dictionary: tokens('wss://', 'ws://', 'https://'),
});
