import { decodeOp, encodeOp, type Op } from '../src/core/ops/op.ts';
import { rate, type Figure } from './measure.ts';

/** Names of the figures, for the tables. */
export const OP_CODEC = {
  encode: 'encodeOp (signed op to bytes)',
  encodeBaseline: 'JSON.stringify (bytes as hex)',
  decode: 'decodeOp (bytes to op, op id hash)',
  decodeBaseline: 'JSON.parse (bytes left as hex)',
} as const;

/**
 * The op codec against JSON of the same ops. JSON gets its byte fields as hex strings
 * (how a JSON wire format would carry them; converted beforehand, not timed), and its
 * decode neither checks bounds nor hashes the op id as decodeOp does.
 */
export async function opCodecFigures(where: string, ops: Op[], ms = 500): Promise<Figure[]> {
  const bytes = ops.map(encodeOp);
  const plain = ops.map(jsonable);
  const texts = plain.map((p) => JSON.stringify(p));
  const figure = async (name: string, all: () => void): Promise<Figure> => ({
    group: where,
    name,
    opsPerSec: await rate(async () => all(), { ms, batch: ops.length }),
  });
  return [
    await figure(OP_CODEC.encode, () => ops.forEach((op) => encodeOp(op))),
    await figure(OP_CODEC.encodeBaseline, () => plain.forEach((p) => JSON.stringify(p))),
    await figure(OP_CODEC.decode, () => bytes.forEach((b) => decodeOp(b))),
    await figure(OP_CODEC.decodeBaseline, () => texts.forEach((t) => JSON.parse(t))),
  ];
}

/** The op with every byte array as a hex string, nested objects included. */
function jsonable(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(jsonable);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonable(v)]));
  }
  return value;
}
