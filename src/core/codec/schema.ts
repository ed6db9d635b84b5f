import { DecodeError, EncodeError } from './errors.ts';
import { createReader, expectEnd, readLength, readRaw, readU8, readVarUint, type Reader } from './reader.ts';
import { createWriter, finish, writeRaw, writeU8, writeVarUint, type Writer } from './writer.ts';

/**
 * A schema for one type: how to write it and how to read it back. Schemas are
 * composed from the primitives below; a schema admits exactly one byte string per
 * value (canonical), and every variable length in it has an explicit bound.
 */
export interface Codec<T> {
  encode(w: Writer, value: T): void;
  decode(r: Reader): T;
}

export type Infer<C> = C extends Codec<infer T> ? T : never;

export const u8: Codec<number> = { encode: writeU8, decode: readU8 };

export const varuint: Codec<number> = { encode: writeVarUint, decode: readVarUint };

export const bool: Codec<boolean> = {
  encode: (w, v) => writeU8(w, v ? 1 : 0),
  decode(r) {
    const at = r.pos;
    const byte = readU8(r);
    if (byte > 1) throw new DecodeError('non-canonical', `boolean byte must be 0 or 1, got ${byte}`, at);
    return byte === 1;
  },
};

/** Length-prefixed bytes, at most `max` long. */
export function bytes(max: number): Codec<Uint8Array> {
  return {
    encode(w, v) {
      if (v.length > max) throw new EncodeError(`${v.length} bytes is over the limit of ${max}`);
      writeVarUint(w, v.length);
      writeRaw(w, v);
    },
    decode: (r) => readRaw(r, readLength(r, max)),
  };
}

/** Exactly `length` bytes, no prefix (keys, hashes, signatures). */
export function fixedBytes(length: number): Codec<Uint8Array> {
  return {
    encode(w, v) {
      if (v.length !== length) throw new EncodeError(`expected ${length} bytes, got ${v.length}`);
      writeRaw(w, v);
    },
    decode: (r) => readRaw(r, length),
  };
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 text, at most `maxBytes` encoded bytes. Lone surrogates are refused so text round-trips. */
export function string(maxBytes: number): Codec<string> {
  return {
    encode(w, v) {
      if (!v.isWellFormed()) throw new EncodeError('string has lone surrogates');
      const encoded = utf8Encoder.encode(v);
      if (encoded.length > maxBytes) throw new EncodeError(`string of ${encoded.length} bytes is over ${maxBytes}`);
      writeVarUint(w, encoded.length);
      writeRaw(w, encoded);
    },
    decode(r) {
      const at = r.pos;
      const raw = readRaw(r, readLength(r, maxBytes));
      try {
        return utf8Decoder.decode(raw);
      } catch {
        throw new DecodeError('invalid-value', 'string is not valid UTF-8', at);
      }
    },
  };
}

/** A list of at most `maxCount` items; each item is assumed to take at least one byte. */
export function list<T>(item: Codec<T>, maxCount: number): Codec<T[]> {
  return {
    encode(w, v) {
      if (v.length > maxCount) throw new EncodeError(`${v.length} items is over the limit of ${maxCount}`);
      writeVarUint(w, v.length);
      for (const x of v) item.encode(w, x);
    },
    decode(r) {
      const count = readLength(r, maxCount);
      const out: T[] = [];
      for (let i = 0; i < count; i++) out.push(item.decode(r));
      return out;
    },
  };
}

/** Absent (0) or present (1) followed by the value. */
export function optional<T>(inner: Codec<T>): Codec<T | undefined> {
  return {
    encode(w, v) {
      writeU8(w, v === undefined ? 0 : 1);
      if (v !== undefined) inner.encode(w, v);
    },
    decode(r) {
      const at = r.pos;
      const flag = readU8(r);
      if (flag > 1) throw new DecodeError('non-canonical', `presence byte must be 0 or 1, got ${flag}`, at);
      return flag === 1 ? inner.decode(r) : undefined;
    },
  };
}

/** One of a fixed set of strings, written as its index. */
export function oneOf<const V extends readonly string[]>(values: V): Codec<V[number]> {
  return {
    encode(w, v) {
      const index = values.indexOf(v);
      if (index < 0) throw new EncodeError(`${JSON.stringify(v)} is not one of ${values.join(', ')}`);
      writeU8(w, index);
    },
    decode(r) {
      const at = r.pos;
      const index = readU8(r);
      const value = values[index];
      if (value === undefined) throw new DecodeError('bad-tag', `unknown choice ${index}`, at);
      return value;
    },
  };
}

type Shape = Record<string, Codec<any>>;
/** Fields of an `optional` codec may be left out when writing a value (they encode as absent). */
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];
type Flatten<T> = { [K in keyof T]: T[K] };
type StructOf<S extends Shape> = Flatten<{ [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }>;

/** Fields written in the order the shape lists them; no names on the wire. */
export function struct<S extends Shape>(shape: S): Codec<StructOf<S>> {
  const fields = Object.entries(shape);
  return {
    encode(w, v) {
      for (const [name, codec] of fields) codec.encode(w, (v as Record<string, unknown>)[name]);
    },
    decode(r) {
      const out: Record<string, unknown> = {};
      for (const [name, codec] of fields) out[name] = codec.decode(r);
      return out as StructOf<S>;
    },
  };
}

type UnionOf<V extends Record<string, Codec<object>>> = { [K in keyof V]: { kind: K } & Infer<V[K]> }[keyof V];

/** A value `{kind, ...fields}` whose kind picks one of the variants; the kind is written as a byte. */
export function taggedUnion<V extends Record<string, Codec<object>>>(variants: V): Codec<UnionOf<V>> {
  const kinds = Object.keys(variants);
  return {
    encode(w, v) {
      const index = kinds.indexOf(v.kind as string);
      if (index < 0) throw new EncodeError(`unknown kind ${String(v.kind)}`);
      writeU8(w, index);
      variants[v.kind]!.encode(w, v);
    },
    decode(r) {
      const at = r.pos;
      const kind = kinds[readU8(r)];
      if (kind === undefined) throw new DecodeError('bad-tag', 'unknown kind', at);
      return { kind, ...variants[kind]!.decode(r) } as UnionOf<V>;
    },
  };
}

/**
 * A top-level message: a type tag byte, a version byte, then the value, and nothing
 * after it. `maxBytes` bounds the whole input before any parsing starts.
 */
export interface Envelope<T> {
  readonly tag: number;
  readonly version: number;
  readonly maxBytes: number;
  encode(value: T): Uint8Array;
  /** `alias`: byte fields are views into `input` (see Reader.alias); the caller must keep it unchanged. */
  decode(input: Uint8Array, options?: { alias?: boolean }): T;
}

export function envelope<T>(tag: number, version: number, maxBytes: number, body: Codec<T>): Envelope<T> {
  return {
    tag,
    version,
    maxBytes,
    encode(value) {
      const w = createWriter();
      writeU8(w, tag);
      writeU8(w, version);
      body.encode(w, value);
      const out = finish(w);
      if (out.length > maxBytes) throw new EncodeError(`encoded value of ${out.length} bytes is over ${maxBytes}`);
      return out;
    },
    decode(input, options) {
      if (input.length > maxBytes) {
        throw new DecodeError('too-long', `input of ${input.length} bytes is over the limit of ${maxBytes}`, 0);
      }
      const r = createReader(input, options?.alias === true);
      const gotTag = readU8(r);
      if (gotTag !== tag) throw new DecodeError('bad-tag', `expected type ${tag}, got ${gotTag}`, 0);
      const gotVersion = readU8(r);
      if (gotVersion !== version) {
        throw new DecodeError('bad-version', `type ${tag} version ${gotVersion} is not supported (expected ${version})`, 1);
      }
      const value = body.decode(r);
      expectEnd(r);
      return value;
    },
  };
}

/** Encode a value with a schema alone (e.g. the bytes a signature covers). */
export function encodeWith<T>(codec: Codec<T>, value: T): Uint8Array {
  const w = createWriter();
  codec.encode(w, value);
  return finish(w);
}
