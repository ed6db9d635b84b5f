/** Constant-time-ish equality of two byte strings (no early exit on the first difference). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const HEX_DIGITS = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** Per input length up to 64 bytes: an array for the char codes, reused. */
const scratch: number[][] = [];

/**
 * Lowercase hex. Built from char codes in one call, so the string is flat: keys of maps and
 * sets are hashed at once, not after a rope of 32 concatenations is flattened (op ids are
 * turned into keys many times per op while a context loads).
 */
export function toHex(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n > 64) {
    let s = '';
    for (let at = 0; at < n; at += 64) s += toHex(bytes.subarray(at, Math.min(n, at + 64)));
    return s;
  }
  const codes = (scratch[n] ??= new Array<number>(2 * n).fill(0));
  for (let i = 0; i < n; i++) {
    const v = bytes[i]!;
    codes[2 * i] = HEX_DIGITS[v >> 4]!;
    codes[2 * i + 1] = HEX_DIGITS[v & 15]!;
  }
  return String.fromCharCode.apply(null, codes);
}

/** Digit values by char code, -1 for anything else: either case, or lowercase only. */
const ANY_CASE = hexValues('0123456789abcdefABCDEF');
const LOWERCASE = hexValues('0123456789abcdef');

function hexValues(digits: string): Int8Array {
  const values = new Int8Array(128).fill(-1);
  for (const c of digits) values[c.charCodeAt(0)] = parseInt(c, 16);
  return values;
}

/** Bytes of a hex string (either case); a TypeError for anything else. Op ids are turned back into bytes in bulk (snapshots). */
export function fromHex(hex: string): Uint8Array {
  const out = parseHex(hex, ANY_CASE);
  if (!out) throw new TypeError('not a hex string');
  return out;
}

/** The bytes of lowercase hex (what toHex makes), or undefined for anything else. */
export function fromLowercaseHex(hex: string): Uint8Array | undefined {
  return parseHex(hex, LOWERCASE);
}

function parseHex(hex: string, values: Int8Array): Uint8Array | undefined {
  if (hex.length % 2 !== 0) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const high = values[hex.charCodeAt(2 * i)] ?? -1;
    const low = values[hex.charCodeAt(2 * i + 1)] ?? -1;
    if (high < 0 || low < 0) return undefined;
    out[i] = (high << 4) | low;
  }
  return out;
}
