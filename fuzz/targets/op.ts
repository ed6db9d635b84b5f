import { decodeOp, encodeOp, opId, OP_LIMITS } from '../../src/core/ops/op.ts';
import { codecTarget } from '../codecTarget.ts';
import { contextSamples } from '../samples/context.ts';
import { bytesEqual } from '../../src/core/crypto/index.ts';
import { ROOT_ID_TOKENS } from '../tokens.ts';

export const opTarget = codecTarget({
  name: 'op',
  decoder: 'decodeOp (src/core/ops/op.ts)',
  seeds: async () => (await contextSamples()).encodedOps,
  decode: decodeOp,
  encode: encodeOp,
  tag: 0x20,
  version: 1,
  // Room for every seed and its growth; the 1 MiB bound itself is checked before parsing.
  maxInputBytes: Math.min(OP_LIMITS.encodedBytes, 16 * 1024),
  dictionary: ROOT_ID_TOKENS,
  alsoCheck(op) {
    const { id: _id, signature: _signature, ...unsigned } = op;
    // decodeOp hashes the bytes as they came: they must be the canonical ones.
    return bytesEqual(op.id, opId(unsigned)) ? undefined : 'the id differs from the hash of the re-encoded op';
  },
});
