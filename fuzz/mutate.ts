import type { Rng } from './rng.ts';

/**
 * Byte-level mutations of valid inputs (AFL's "havoc" stage, without coverage feedback):
 * each input gets one to eight stacked mutations chosen at random. The operators aim at
 * what a canonical, length-prefixed codec must refuse: wrong lengths and counts, varints
 * at their edges and in non-minimal form, cut and extended bodies, duplicated and missing
 * fields, fields of one message inside another.
 */
export interface MutationSource {
  rng: Rng;
  /** Inputs to splice with (seeds and accepted inputs). */
  pool: readonly Uint8Array[];
  /** Tokens inserted whole: tags, field names, magic values of the target's format. */
  dictionary: readonly Uint8Array[];
  /** Inputs never grow past this. */
  maxBytes: number;
}

type Mutation = (input: Uint8Array, m: MutationSource) => Uint8Array;

/** One input derived from `input` by one to eight stacked mutations. */
export function mutate(input: Uint8Array, m: MutationSource): Uint8Array {
  let out = input;
  let rounds = 1;
  while (rounds < 8 && m.rng.chance(0.5)) rounds++;
  for (let i = 0; i < rounds; i++) {
    out = m.rng.pick(MUTATIONS)(out, m);
    if (out.length > m.maxBytes) out = out.subarray(0, m.maxBytes);
  }
  return out;
}

/** Bytes that often mean something: limits, sign bits, varint continuation, codec tags. */
const INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x07, 0x08, 0x10, 0x11, 0x1f, 0x20, 0x21, 0x30, 0x3f, 0x40, 0x41, 0x50, 0x60, 0x61, 0x7e, 0x7f, 0x80, 0x81, 0xc0, 0xfe, 0xff];

/** Varint values at the edges of 7-bit groups, 32 bits and 53 bits. */
const EDGE_VALUES = [0, 1, 2, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 200, 255, 256, 1000, 1024, 2047, 2048, 4096, 8192, 16383, 16384, 65535, 65536, 2 ** 20, 2 ** 21 - 1, 2 ** 21, 2 ** 22, 2 ** 28 - 1, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35, 2 ** 42, 2 ** 49, 2 ** 53 - 1];

/** Varint byte strings a canonical reader must refuse: non-minimal, past 2^53, longer than 8 bytes, unterminated. */
const BAD_VARINTS = [
  [0x80, 0x00],
  [0x81, 0x00],
  [0xff, 0x80, 0x00],
  [0x80, 0x80, 0x80, 0x80, 0x00],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80],
  [0x80],
].map((b) => Uint8Array.from(b));

/** 32-bit big-endian values for fixed-width lengths (frame headers). */
const EDGE_U32 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x3fff, 0x4000, 0xffff, 0x10000, 0x3ffc00, 0x400000, 0x7fffffff, 0x80000000, 0xffffffff];

export function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

/** The varint starting at `at` (value and byte length), reading at most 8 bytes. */
function varintAt(input: Uint8Array, at: number): { value: number; length: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8 && at + i < input.length; i++) {
    const byte = input[at + i]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value, length: i + 1 };
    scale *= 0x80;
  }
  return { value: input[at] ?? 0, length: 1 };
}

/** Mostly short chunks, sometimes long ones. */
function chunkLength(m: MutationSource, limit: number): number {
  if (limit <= 1) return limit;
  const cap = m.rng.chance(0.8) ? Math.min(limit, 16) : limit;
  return 1 + m.rng.below(cap);
}

const position = (input: Uint8Array, m: MutationSource): number => m.rng.below(input.length + 1);

function replace(input: Uint8Array, at: number, removed: number, inserted: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length - removed + inserted.length);
  out.set(input.subarray(0, at));
  out.set(inserted, at);
  out.set(input.subarray(at + removed), at + inserted.length);
  return out;
}

const flipBit: Mutation = (input, m) => {
  if (input.length === 0) return input;
  const out = input.slice();
  out[m.rng.below(out.length)]! ^= 1 << m.rng.below(8);
  return out;
};

const setInterestingByte: Mutation = (input, m) => {
  if (input.length === 0) return Uint8Array.of(m.rng.pick(INTERESTING_BYTES));
  const out = input.slice();
  out[m.rng.below(out.length)] = m.rng.pick(INTERESTING_BYTES);
  return out;
};

const setRandomByte: Mutation = (input, m) => {
  if (input.length === 0) return m.rng.bytes(1);
  const out = input.slice();
  out[m.rng.below(out.length)] = m.rng.u32() & 0xff;
  return out;
};

/** Add or subtract a little from one byte: off-by-one lengths, neighbouring tags. */
const nudgeByte: Mutation = (input, m) => {
  if (input.length === 0) return input;
  const out = input.slice();
  const at = m.rng.below(out.length);
  out[at] = (out[at]! + (m.rng.chance(0.5) ? 1 : -1) * (1 + m.rng.below(4))) & 0xff;
  return out;
};

/** `input` with the varint at `at` (a length, a count, a time) replaced by `value`. */
export function withVarintAt(input: Uint8Array, at: number, value: number): Uint8Array {
  const old = varintAt(input, at);
  return replace(input, at, Math.min(old.length, input.length - at), encodeVarint(value));
}

const setEdgeVarint: Mutation = (input, m) => withVarintAt(input, m.rng.below(input.length + 1), m.rng.pick(EDGE_VALUES));

/** Replace the varint at a position with a byte string a canonical reader must refuse. */
const setBadVarint: Mutation = (input, m) => {
  const at = m.rng.below(input.length + 1);
  const old = varintAt(input, at);
  return replace(input, at, Math.min(old.length, input.length - at), m.rng.pick(BAD_VARINTS));
};

/** Treat the varint at a position as a length and make it a little wrong, or double or halve it. */
const tweakLength: Mutation = (input, m) => {
  if (input.length === 0) return input;
  const at = m.rng.below(input.length);
  const old = varintAt(input, at);
  const deltas = [-4, -2, -1, 1, 2, 4, 32, -32];
  let value = m.rng.chance(0.8) ? old.value + m.rng.pick(deltas) : m.rng.chance(0.5) ? old.value * 2 : Math.floor(old.value / 2);
  value = Math.max(0, Math.min(value, Number.MAX_SAFE_INTEGER));
  return replace(input, at, old.length, encodeVarint(value));
};

const setEdgeU32: Mutation = (input, m) => {
  const at = m.rng.below(input.length + 1);
  const word = new Uint8Array(4);
  new DataView(word.buffer).setUint32(0, m.rng.pick(EDGE_U32));
  return replace(input, at, Math.min(4, input.length - at), word);
};

const truncate: Mutation = (input, m) => {
  if (input.length === 0) return input;
  // Half the time cut near the end: the last fields are where "trailing" and "truncated" meet.
  const keep = m.rng.chance(0.5) ? input.length - 1 - m.rng.below(Math.min(input.length, 16)) : m.rng.below(input.length);
  return input.subarray(0, keep);
};

const extend: Mutation = (input, m) => {
  const extra = m.rng.chance(0.5) ? m.rng.bytes(chunkLength(m, 64)) : new Uint8Array(chunkLength(m, 64)).fill(m.rng.pick(INTERESTING_BYTES));
  return replace(input, input.length, 0, extra);
};

const insertRandomBytes: Mutation = (input, m) => replace(input, position(input, m), 0, m.rng.bytes(chunkLength(m, 32)));

const deleteChunk: Mutation = (input, m) => {
  if (input.length === 0) return input;
  const at = m.rng.below(input.length);
  return replace(input, at, chunkLength(m, input.length - at), new Uint8Array());
};

const duplicateChunk: Mutation = (input, m) => {
  if (input.length === 0) return input;
  const from = m.rng.below(input.length);
  const chunk = input.slice(from, from + chunkLength(m, input.length - from));
  return replace(input, position(input, m), 0, chunk);
};

/** Copy a chunk over another place: a field's bytes where another field was. */
const overwriteChunk: Mutation = (input, m) => {
  if (input.length < 2) return input;
  const from = m.rng.below(input.length);
  const chunk = input.slice(from, from + chunkLength(m, input.length - from));
  const at = m.rng.below(input.length);
  return replace(input, at, Math.min(chunk.length, input.length - at), chunk);
};

const insertToken: Mutation = (input, m) => {
  if (m.dictionary.length === 0) return insertRandomBytes(input, m);
  const token = m.rng.pick(m.dictionary);
  const at = position(input, m);
  // Overwrite or insert; with a length prefix, as a string or bytes field carries it.
  const body = m.rng.chance(0.3) ? replace(token, 0, 0, encodeVarint(token.length)) : token;
  return replace(input, at, m.rng.chance(0.5) ? Math.min(body.length, input.length - at) : 0, body);
};

/** Swap a length-prefixed text field (a key, a name, a URL) for a dictionary token. */
const replaceTextField: Mutation = (input, m) => {
  const fields = textFields(input);
  if (m.dictionary.length === 0 || fields.length === 0) return insertToken(input, m);
  const [at, end] = m.rng.pick(fields);
  const token = m.rng.pick(m.dictionary);
  return replace(input, at, end - at, replace(token, 0, 0, encodeVarint(token.length)));
};

/** Where a one-byte length is followed by that many printable ASCII bytes: likely a text field. */
function textFields(input: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  for (let at = 0; at < input.length; at++) {
    const n = input[at]!;
    if (n === 0 || n > 0x7f || at + 1 + n > input.length) continue;
    let printable = true;
    for (let i = at + 1; i <= at + n && printable; i++) printable = input[i]! >= 0x20 && input[i]! < 0x7f;
    if (printable) out.push([at, at + 1 + n]);
  }
  return out;
}

/** Head of this input, tail of another: at the same offset (shared structure) or anywhere. */
const splice: Mutation = (input, m) => {
  const other = m.rng.pick(m.pool);
  if (!other || other.length === 0) return input;
  const cut = m.rng.below(input.length + 1);
  const from = m.rng.chance(0.5) ? Math.min(cut, other.length) : m.rng.below(other.length + 1);
  return replace(input, cut, input.length - cut, other.subarray(from));
};

/** A chunk of another input inserted: a field of one message inside another. */
const insertChunkOfOther: Mutation = (input, m) => {
  const other = m.rng.pick(m.pool);
  if (!other || other.length === 0) return input;
  const from = m.rng.below(other.length);
  return replace(input, position(input, m), 0, other.subarray(from, from + chunkLength(m, other.length - from)));
};

const MUTATIONS: readonly Mutation[] = [
  flipBit,
  flipBit,
  setInterestingByte,
  setRandomByte,
  nudgeByte,
  setEdgeVarint,
  setEdgeVarint,
  setBadVarint,
  tweakLength,
  tweakLength,
  setEdgeU32,
  truncate,
  extend,
  insertRandomBytes,
  deleteChunk,
  duplicateChunk,
  overwriteChunk,
  insertToken,
  replaceTextField,
  splice,
  insertChunkOfOther,
];
