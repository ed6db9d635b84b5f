// The value encoding inside y-webrtc's encrypted signaling messages: lib0's "any" encoding
// (lib0/encoding writeAny, lib0/decoding readAny). We speak it ourselves so that peers and
// signaling servers of y-webrtc's protocol keep working, and so that decoding is bounded
// (lib0's reader follows whatever lengths and nesting a sender writes).
//
//   127 undefined · 126 null · 125 integer (varInt) · 124 float32 BE · 123 float64 BE
//   121 false · 120 true · 119 string (varUint length + UTF-8) · 118 object (varUint
//   count, then key string + value) · 117 array (varUint count, then values)
// Not accepted: 122 bigint, 116 bytes (y-webrtc's signaling never sends them).

export type SignalValue = undefined | null | boolean | number | string | SignalValue[] | { [key: string]: SignalValue };

/** A value that cannot be encoded, or bytes that are not a bounded lib0 "any" value. */
export class SignalValueError extends Error {
  override readonly name = 'SignalValueError';
}

export const SIGNAL_VALUE_LIMITS = {
  /** Nesting of objects and arrays (signaling messages nest 3 deep). */
  depth: 8,
  /** Entries of one object or array. */
  entries: 64,
  /** UTF-8 bytes of one string (an SDP is a few KiB). */
  stringBytes: 32 * 1024,
} as const;

const BITS31 = 0x7fffffff;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function encodeSignalValue(value: SignalValue): Uint8Array {
  const out: number[] = [];
  const varUint = (n: number): void => {
    while (n > 0x7f) {
      out.push(0x80 | (n & 0x7f));
      n = Math.floor(n / 128);
    }
    out.push(n);
  };
  const string = (s: string): void => {
    const bytes = utf8.encode(s);
    varUint(bytes.length);
    for (const b of bytes) out.push(b);
  };
  const float = (n: number, bytes: 4 | 8): void => {
    const view = new DataView(new ArrayBuffer(bytes));
    if (bytes === 4) view.setFloat32(0, n);
    else view.setFloat64(0, n);
    for (let i = 0; i < bytes; i++) out.push(view.getUint8(i));
  };
  const write = (v: SignalValue, depth: number): void => {
    if (depth > SIGNAL_VALUE_LIMITS.depth) throw new SignalValueError(`value nests deeper than ${SIGNAL_VALUE_LIMITS.depth}`);
    if (v === undefined) return void out.push(127);
    if (v === null) return void out.push(126);
    switch (typeof v) {
      case 'boolean':
        return void out.push(v ? 120 : 121);
      case 'string':
        out.push(119);
        return string(v);
      case 'number': {
        if (Number.isInteger(v) && Math.abs(v) <= BITS31) {
          out.push(125);
          // varInt: continuation bit, sign bit, 6 bits; then 7 bits a byte.
          const negative = v < 0 || Object.is(v, -0);
          let n = Math.abs(v);
          out.push((n > 0x3f ? 0x80 : 0) | (negative ? 0x40 : 0) | (n & 0x3f));
          n = Math.floor(n / 64);
          while (n > 0) {
            out.push((n > 0x7f ? 0x80 : 0) | (n & 0x7f));
            n = Math.floor(n / 128);
          }
          return;
        }
        if (Math.fround(v) === v) {
          out.push(124);
          return float(v, 4);
        }
        out.push(123);
        return float(v, 8);
      }
      case 'object': {
        if (Array.isArray(v)) {
          out.push(117);
          varUint(v.length);
          for (const item of v) write(item, depth + 1);
          return;
        }
        const keys = Object.keys(v);
        out.push(118);
        varUint(keys.length);
        for (const key of keys) {
          string(key);
          write(v[key], depth + 1);
        }
        return;
      }
      default:
        throw new SignalValueError(`cannot encode a ${typeof v} in a signaling message`);
    }
  };
  write(value, 0);
  return Uint8Array.from(out);
}

/** Decodes one value that must fill `bytes` exactly, within SIGNAL_VALUE_LIMITS. */
export function decodeSignalValue(bytes: Uint8Array): SignalValue {
  let at = 0;
  const fail = (why: string): never => {
    throw new SignalValueError(`not a signaling value: ${why} (at byte ${at})`);
  };
  const byte = (): number => (at < bytes.length ? bytes[at++]! : fail('it ends early'));
  const varUint = (): number => {
    let n = 0;
    let mult = 1;
    for (let i = 0; i < 8; i++) {
      const b = byte();
      n += (b & 0x7f) * mult;
      if (b < 0x80) return n;
      mult *= 128;
    }
    return fail('a length is too long');
  };
  const count = (): number => {
    const n = varUint();
    return n > SIGNAL_VALUE_LIMITS.entries ? fail(`${n} entries is over the limit of ${SIGNAL_VALUE_LIMITS.entries}`) : n;
  };
  const string = (): string => {
    const length = varUint();
    if (length > SIGNAL_VALUE_LIMITS.stringBytes) fail(`a string of ${length} bytes is over the limit of ${SIGNAL_VALUE_LIMITS.stringBytes}`);
    if (at + length > bytes.length) fail('a string runs past the end');
    try {
      return fromUtf8.decode(bytes.subarray(at, (at += length)));
    } catch {
      return fail('a string is not UTF-8');
    }
  };
  const float = (size: 4 | 8): number => {
    if (at + size > bytes.length) fail('a number runs past the end');
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, size);
    at += size;
    return size === 4 ? view.getFloat32(0) : view.getFloat64(0);
  };
  const read = (depth: number): SignalValue => {
    if (depth > SIGNAL_VALUE_LIMITS.depth) fail(`it nests deeper than ${SIGNAL_VALUE_LIMITS.depth}`);
    const tag = byte();
    switch (tag) {
      case 127:
        return undefined;
      case 126:
        return null;
      case 125: {
        let b = byte();
        const sign = b & 0x40 ? -1 : 1;
        let n = b & 0x3f;
        let mult = 64;
        for (let i = 0; b & 0x80; i++) {
          if (i === 8) fail('an integer is too long');
          b = byte();
          n += (b & 0x7f) * mult;
          mult *= 128;
        }
        return sign * n;
      }
      case 124:
        return float(4);
      case 123:
        return float(8);
      case 121:
        return false;
      case 120:
        return true;
      case 119:
        return string();
      case 118: {
        // No prototype: a key "__proto__" stays a plain key.
        const object: { [key: string]: SignalValue } = Object.create(null) as { [key: string]: SignalValue };
        for (let i = count(); i > 0; i--) {
          const key = string();
          object[key] = read(depth + 1);
        }
        return object;
      }
      case 117: {
        const array: SignalValue[] = [];
        for (let i = count(); i > 0; i--) array.push(read(depth + 1));
        return array;
      }
      default:
        return fail(`type ${tag} is not accepted`);
    }
  };
  const value = read(0);
  if (at !== bytes.length) fail(`${bytes.length - at} bytes follow the value`);
  return value;
}
