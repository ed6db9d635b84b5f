// Shared state: the context's key → JSON map, replicated to every member. Writes in a
// mutation become one signed delta; a view may only read.
import * as env from "./env";
import { SCRATCH, panic, ptr, registerBytes, utf8 } from "./host";
import { JsonValue, jraw, parseJson } from "./json";

/** Keys asked for per storage_keys call. */
const PAGE: i32 = 500;

export class State {
  /** The value under `key`, or null when absent. */
  static get(key: string): JsonValue | null {
    const text = State.getText(key);
    return text === null ? null : parseJson(text);
  }

  /** The value's JSON text as stored (compact, object keys sorted), or null. */
  static getText(key: string): string | null {
    const k = utf8(key);
    if (env.storage_read(ptr(k), k.byteLength, SCRATCH) == 0) return null;
    return String.UTF8.decode(registerBytes(SCRATCH)!);
  }

  /** The value as a JsonRaw (copied into results without parsing), or null. */
  static getRaw(key: string): JsonValue | null {
    const text = State.getText(key);
    return text === null ? null : jraw(text);
  }

  static has(key: string): bool {
    const k = utf8(key);
    return env.storage_has(ptr(k), k.byteLength) != 0;
  }

  /** Store a value; true if the key had one. */
  static set(key: string, value: JsonValue): bool {
    const k = utf8(key);
    const v = utf8(value.toString());
    return env.storage_write(ptr(k), k.byteLength, ptr(v), v.byteLength) != 0;
  }

  /** Remove a key; true if it was there. */
  static remove(key: string): bool {
    const k = utf8(key);
    return env.storage_remove(ptr(k), k.byteLength) != 0;
  }

  /** Keys starting with `prefix`, in UTF-8 byte order (this call's own writes included). */
  static keys(prefix: string): string[] {
    const out = new Array<string>();
    const p = utf8(prefix);
    let after: ArrayBuffer | null = null;
    while (true) {
      const count = after === null
        ? env.storage_keys(ptr(p), p.byteLength, 0, -1, PAGE, SCRATCH)
        : env.storage_keys(ptr(p), p.byteLength, ptr(after), after.byteLength, PAGE, SCRATCH);
      const page = registerBytes(SCRATCH);
      if (page === null) panic("storage_keys left no result");
      const base = ptr(page!);
      let at: usize = 0;
      for (let i = 0; i < count; i++) {
        const len = load<u32>(base + at);
        out.push(String.UTF8.decodeUnsafe(base + at + 4, len));
        at += 4 + len;
      }
      if (count < PAGE) break;
      after = utf8(out[out.length - 1]);
    }
    return out;
  }
}
