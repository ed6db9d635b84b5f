// The decoders that are an exported `envelope(...)` codec, fuzzed as they are exported.
import { directoryCodec, entriesCodec } from '../../src/core/directory/messages.ts';
import { delegationCodec, revocationCodec } from '../../src/core/identity/index.ts';
import { inviteCodec } from '../../src/core/invitation/invite.ts';
import { snapshotCodec } from '../../src/core/state/snapshot.ts';
import { syncCodec } from '../../src/core/sync/messages.ts';
import { envelopeTarget } from '../codecTarget.ts';
import { contextSamples } from '../samples/context.ts';
import { identitySamples } from '../samples/identity.ts';
import { wireSamples } from '../samples/wire.ts';
import { ROOT_ID_TOKENS, tokens } from '../tokens.ts';

/** Tag and version of the envelopes other messages carry inside them. */
const NESTED_HEADERS = [0x10, 0x11, 0x20, 0x30, 0x40, 0x61].map((tag) => Uint8Array.of(tag, 1));
const URL_TOKENS = tokens('wss://', 'ws://', 'https://');

export const syncTarget = envelopeTarget('sync', syncCodec, {
  decoder: 'syncCodec.decode (src/core/sync/messages.ts)',
  seeds: async () => (await wireSamples()).syncMessages,
  dictionary: [...ROOT_ID_TOKENS, ...NESTED_HEADERS],
});

export const inviteTarget = envelopeTarget('invite', inviteCodec, {
  decoder: 'inviteCodec.decode (src/core/invitation/invite.ts)',
  seeds: async () => (await contextSamples()).invites,
  dictionary: URL_TOKENS,
});

export const delegationTarget = envelopeTarget('delegation', delegationCodec, {
  decoder: 'delegationCodec.decode (src/core/identity/delegation.ts)',
  seeds: async () => (await identitySamples()).delegations,
  dictionary: [...ROOT_ID_TOKENS, ...URL_TOKENS, ...tokens('SN_MAIN', 'SN_SEPOLIA', 'abcdefgh')],
});

export const revocationTarget = envelopeTarget('revocation', revocationCodec, {
  decoder: 'revocationCodec.decode (src/core/identity/revocation.ts)',
  seeds: async () => (await identitySamples()).revocations,
  dictionary: ROOT_ID_TOKENS,
});

export const directoryTarget = envelopeTarget('directory', directoryCodec, {
  decoder: 'directoryCodec.decode (src/core/directory/messages.ts)',
  seeds: async () => (await wireSamples()).directoryMessages,
  dictionary: NESTED_HEADERS,
});

/** The plaintext of a sealed directory answer: authenticated, but written by another node. */
export const directoryEntriesTarget = envelopeTarget('directory-entries', entriesCodec, {
  decoder: 'entriesCodec.decode (src/core/directory/messages.ts)',
  seeds: async () => (await wireSamples()).directoryEntries,
  dictionary: URL_TOKENS,
});

/** Snapshots come from this profile's storage, which other tabs and extensions can write too. */
export const snapshotTarget = envelopeTarget('snapshot', snapshotCodec, {
  decoder: 'snapshotCodec.decode (src/core/state/snapshot.ts)',
  seeds: async () => (await contextSamples()).snapshots,
});
