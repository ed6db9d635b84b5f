import * as env from "./env";

/** The register the SDK uses for every result (read back at once, so one is enough). */
export const SCRATCH: i32 = 0;

/** A register's bytes, or null when it is empty. */
export function registerBytes(id: i32): ArrayBuffer | null {
  const len = env.register_len(id);
  if (len < 0) return null;
  const buf = new ArrayBuffer(len);
  env.read_register(id, changetype<usize>(buf));
  return buf;
}

export function utf8(text: string): ArrayBuffer {
  return String.UTF8.encode(text);
}

export function ptr(buf: ArrayBuffer): usize {
  return changetype<usize>(buf);
}

/** Log one line (shown with the call's result; bounded per call). */
export function log(message: string): void {
  const bytes = utf8(message);
  env.log_utf8(ptr(bytes), bytes.byteLength);
}

/** End the call with an error: nothing it wrote is kept. Never returns. */
export function panic(message: string): void {
  const bytes = utf8(message);
  env.panic_utf8(ptr(bytes), bytes.byteLength);
  unreachable();
}
