// Private storage: this member's, on this device only. Never replicated, never in an op.
import * as env from "./env";
import { SCRATCH, ptr, registerBytes, utf8 } from "./host";

export class Private {
  static get(key: string): ArrayBuffer | null {
    const k = utf8(key);
    if (env.private_read(ptr(k), k.byteLength, SCRATCH) == 0) return null;
    return registerBytes(SCRATCH);
  }

  static getString(key: string): string | null {
    const bytes = Private.get(key);
    return bytes === null ? null : String.UTF8.decode(bytes);
  }

  /** Store bytes; true if the key had a value. Only in mutations. */
  static set(key: string, value: ArrayBuffer): bool {
    const k = utf8(key);
    return env.private_write(ptr(k), k.byteLength, ptr(value), value.byteLength) != 0;
  }

  static setString(key: string, value: string): bool {
    return Private.set(key, utf8(value));
  }

  /** Remove a key; true if it was there. Only in mutations. */
  static remove(key: string): bool {
    const k = utf8(key);
    return env.private_remove(ptr(k), k.byteLength) != 0;
  }
}
