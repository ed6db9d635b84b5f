import { EncodeError } from './errors.ts';

/** An append-only byte buffer that grows by doubling. */
export interface Writer {
  buf: Uint8Array;
  len: number;
}

export function createWriter(initialSize = 256): Writer {
  return { buf: new Uint8Array(initialSize), len: 0 };
}

function ensure(w: Writer, extra: number): void {
  if (w.len + extra <= w.buf.length) return;
  let size = w.buf.length * 2;
  while (size < w.len + extra) size *= 2;
  const next = new Uint8Array(size);
  next.set(w.buf.subarray(0, w.len));
  w.buf = next;
}

export function writeU8(w: Writer, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new EncodeError(`not a byte: ${value}`);
  ensure(w, 1);
  w.buf[w.len++] = value;
}

/** Unsigned LEB128, up to Number.MAX_SAFE_INTEGER (at most 8 bytes). */
export function writeVarUint(w: Writer, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new EncodeError(`not a safe unsigned integer: ${value}`);
  ensure(w, 8);
  let rest = value;
  while (rest >= 0x80) {
    w.buf[w.len++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  w.buf[w.len++] = rest;
}

/** Raw bytes with no length prefix (the schema knows the length). */
export function writeRaw(w: Writer, bytes: Uint8Array): void {
  ensure(w, bytes.length);
  w.buf.set(bytes, w.len);
  w.len += bytes.length;
}

export function finish(w: Writer): Uint8Array {
  return w.buf.slice(0, w.len);
}
