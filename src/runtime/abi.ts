import type { StateDraft } from '../core/state/draft.ts';
import { StateLayoutError, compareUtf8 } from '../core/state/layout.ts';
import { RuntimeError } from './errors.ts';
import type { RuntimeLimits } from './limits.ts';
import type { CallEvent, MethodKind } from './types.ts';

/**
 * Host ABI v1 (docs/abi.md): module `env`, every pointer and length an i32. The signatures
 * are checked against the module's imports before it runs.
 */
export const ABI_VERSION = 1;

export const ABI_V1 = {
  input: '(i32)',
  register_len: '(i32)->i32',
  read_register: '(i32,i32)',
  value_return: '(i32,i32)',
  executor_id: '(i32)',
  context_id: '(i32)',
  storage_read: '(i32,i32,i32)->i32',
  storage_has: '(i32,i32)->i32',
  storage_write: '(i32,i32,i32,i32)->i32',
  storage_remove: '(i32,i32)->i32',
  storage_keys: '(i32,i32,i32,i32,i32,i32)->i32',
  private_read: '(i32,i32,i32)->i32',
  private_write: '(i32,i32,i32,i32)->i32',
  private_remove: '(i32,i32)->i32',
  emit: '(i32,i32,i32,i32,i32)',
  log_utf8: '(i32,i32)',
  panic_utf8: '(i32,i32)',
  abort: '(i32,i32,i32,i32)',
} as const;

export type AbiFunction = keyof typeof ABI_V1;

/** Everything one call's host functions see and collect. Fresh per call. */
export interface CallScope {
  kind: MethodKind;
  limits: RuntimeLimits;
  /** performance.now() past which any host call fails with 'timeout'. */
  deadline: number;
  /** performance.now() when the method had run and its update was encoded (0 until then). */
  finishedAt: number;
  input: Uint8Array;
  executor: Uint8Array;
  contextId: Uint8Array;
  /** The state as this call sees it (set by draftUpdate just before the method runs). */
  draft: StateDraft | null;
  privateBase: ReadonlyMap<string, Uint8Array>;
  /** This call's private writes (null: removed), applied only if the call succeeds. */
  privateWrites: Map<string, Uint8Array | null>;
  privateWriteCalls: number;
  registers: Map<number, Uint8Array>;
  /** Sorted keys of the draft, rebuilt after a write: storage_keys pages through it. */
  sortedKeys: string[] | null;
  memory: WebAssembly.Memory | null;
  output: Uint8Array | null;
  events: CallEvent[];
  eventBytes: number;
  logs: string[];
  logBytes: number;
  hostCalls: number;
  reads: number;
  writes: number;
}

/** Host calls per read of the clock (see enter()). */
export const CLOCK_EVERY = 8;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// Keys keep a leading U+FEFF (ignoreBOM): by default TextDecoder drops it, so the key
// "\uFEFFa" would silently be stored as "a", another key. Values are JSON text, read as before.
const keyUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8');
const utf16 = new TextDecoder('utf-16le');

/** Which call the host functions serve right now (null between calls). */
export interface HostBinding {
  scope: CallScope | null;
}

/** Thrown by a host function called with no call bound (a start function run ahead of a call). */
export class UnboundHostCall extends Error {
  override readonly name = 'UnboundHostCall';
}

/**
 * The `env` functions of one loaded app, made once and bound to each call's scope in turn
 * (calls run one at a time and host functions never re-enter the module).
 */
export function hostFunctions(binding: HostBinding): Record<AbiFunction, (...args: number[]) => number | void> {
  // The scope of the call being served: set by enter(), which every host function calls first.
  let scope!: CallScope;
  let limits!: RuntimeLimits;

  function enter(): void {
    const bound = binding.scope;
    if (!bound) throw new UnboundHostCall('a host function was called outside a call');
    scope = bound;
    limits = bound.limits;
    // The only clock the runtime reads, and the module never sees it: it bounds the call.
    // Read at every CLOCK_EVERY-th host call (a clock read costs more than most host
    // functions): a loop that calls the host still stops soon after its limit, and the
    // runner reads it again when the method returns.
    if (++scope.hostCalls % CLOCK_EVERY === 0 && performance.now() > scope.deadline) {
      throw new RuntimeError('timeout', `the call ran past its time limit; make the method do less work per call`);
    }
  }

  function bytesAt(fn: string, ptr: number, len: number): Uint8Array {
    const memory = scope.memory;
    if (!memory) throw new RuntimeError('abi', `${fn}: the module has no memory to pass bytes in`);
    const start = ptr >>> 0;
    if (len < 0) throw new RuntimeError('abi', `${fn}: negative length ${len}`);
    const buffer = memory.buffer;
    const size = buffer.byteLength;
    if (start + len > size) throw new RuntimeError('abi', `${fn}: bytes ${start}..${start + len} are outside the module's memory (${size} bytes)`);
    return new Uint8Array(buffer, start, len);
  }

  function register(fn: string, id: number): void {
    if (id < 0 || id >= limits.registers) throw new RuntimeError('abi', `${fn}: register ${id} does not exist (ids are 0..${limits.registers - 1})`);
  }

  function setRegister(fn: string, id: number, bytes: Uint8Array): void {
    register(fn, id);
    scope.registers.set(id, bytes);
  }

  function keyAt(fn: string, ptr: number, len: number): string {
    const bytes = bytesAt(fn, ptr, len);
    if (len > limits.keyBytes) throw new RuntimeError('limit', `${fn}: a key of ${len} bytes is over the limit of ${limits.keyBytes}`);
    const ascii = asciiText(bytes);
    if (ascii !== null) return ascii;
    try {
      return keyUtf8.decode(bytes);
    } catch {
      throw new RuntimeError('bad-value', `${fn}: the key is not valid UTF-8`);
    }
  }

  function draft(): StateDraft {
    if (!scope.draft) throw new RuntimeError('abi', 'shared storage is not available outside a method call');
    return scope.draft;
  }

  function mutating(fn: string): void {
    if (scope.kind === 'view') {
      throw new RuntimeError('view-write', `${fn}: a view cannot write or emit; declare the method as a mutation`);
    }
  }

  function privateGet(key: string): Uint8Array | undefined {
    const written = scope.privateWrites.get(key);
    if (written !== undefined) return written ?? undefined;
    return scope.privateBase.get(key);
  }

  function privateWrite(fn: string, key: string, value: Uint8Array | null): number {
    if (++scope.privateWriteCalls > limits.privateWrites) {
      throw new RuntimeError('limit', `${fn}: more than ${limits.privateWrites} private writes in one call`);
    }
    const existed = privateGet(key) !== undefined;
    scope.privateWrites.set(key, value);
    return existed ? 1 : 0;
  }

  function sharedWrite(fn: string): void {
    mutating(fn);
    if (++scope.writes > limits.writes) {
      throw new RuntimeError('limit', `${fn}: more than ${limits.writes} shared writes in one call; split the work over several calls`);
    }
    scope.sortedKeys = null;
  }

  return {
    input(reg) {
      enter();
      setRegister('input', reg, scope.input);
    },
    register_len(reg) {
      enter();
      register('register_len', reg);
      return scope.registers.get(reg)?.length ?? -1;
    },
    read_register(reg, ptr) {
      enter();
      register('read_register', reg);
      const bytes = scope.registers.get(reg);
      if (!bytes) throw new RuntimeError('abi', `read_register: register ${reg} is empty (check register_len first)`);
      bytesAt('read_register', ptr, bytes.length).set(bytes);
    },
    value_return(ptr, len) {
      enter();
      if (len > limits.returnBytes) throw new RuntimeError('limit', `value_return: ${len} bytes is over the limit of ${limits.returnBytes}`);
      scope.output = bytesAt('value_return', ptr, len).slice();
    },
    executor_id(reg) {
      enter();
      setRegister('executor_id', reg, scope.executor);
    },
    context_id(reg) {
      enter();
      setRegister('context_id', reg, scope.contextId);
    },
    storage_read(keyPtr, keyLen, reg) {
      enter();
      register('storage_read', reg);
      scope.reads++;
      const value = draft().get(keyAt('storage_read', keyPtr, keyLen));
      if (value === undefined) {
        scope.registers.delete(reg);
        return 0;
      }
      scope.registers.set(reg, utf8.encode(JSON.stringify(value)));
      return 1;
    },
    storage_has(keyPtr, keyLen) {
      enter();
      scope.reads++;
      return draft().has(keyAt('storage_has', keyPtr, keyLen)) ? 1 : 0;
    },
    storage_write(keyPtr, keyLen, valuePtr, valueLen) {
      enter();
      sharedWrite('storage_write');
      const key = keyAt('storage_write', keyPtr, keyLen);
      if (valueLen > limits.valueTextBytes) {
        throw new RuntimeError('limit', `storage_write: a value of ${valueLen} bytes of JSON text is over the limit of ${limits.valueTextBytes}`);
      }
      const value = parseJsonValue('storage_write', bytesAt('storage_write', valuePtr, valueLen));
      const d = draft();
      const existed = d.has(key);
      try {
        d.set(key, value);
      } catch (error) {
        throw layoutError('storage_write', key, error);
      }
      return existed ? 1 : 0;
    },
    storage_remove(keyPtr, keyLen) {
      enter();
      sharedWrite('storage_remove');
      const key = keyAt('storage_remove', keyPtr, keyLen);
      const d = draft();
      if (!d.has(key)) return 0;
      d.remove(key);
      return 1;
    },
    storage_keys(prefixPtr, prefixLen, afterPtr, afterLen, limit, reg) {
      enter();
      register('storage_keys', reg);
      scope.reads++;
      if (limit < 1 || limit > limits.keysPerPage) {
        throw new RuntimeError('abi', `storage_keys: limit ${limit} is outside 1..${limits.keysPerPage}`);
      }
      const prefix = keyAt('storage_keys', prefixPtr, prefixLen);
      const after = afterLen < 0 ? null : keyAt('storage_keys', afterPtr, afterLen);
      const keys = (scope.sortedKeys ??= draft().keys());
      let i = lowerBound(keys, prefix);
      if (after !== null) i = Math.max(i, upperBound(keys, after));
      const page: Uint8Array[] = [];
      let size = 0;
      for (; i < keys.length && page.length < limit; i++) {
        const key = keys[i]!;
        if (!key.startsWith(prefix)) break;
        const bytes = utf8.encode(key);
        page.push(bytes);
        size += 4 + bytes.length;
      }
      const out = new Uint8Array(size);
      const view = new DataView(out.buffer);
      let at = 0;
      for (const bytes of page) {
        view.setUint32(at, bytes.length, true);
        out.set(bytes, at + 4);
        at += 4 + bytes.length;
      }
      scope.registers.set(reg, out);
      return page.length;
    },
    private_read(keyPtr, keyLen, reg) {
      enter();
      register('private_read', reg);
      const value = privateGet(keyAt('private_read', keyPtr, keyLen));
      if (value === undefined) {
        scope.registers.delete(reg);
        return 0;
      }
      scope.registers.set(reg, value);
      return 1;
    },
    private_write(keyPtr, keyLen, valuePtr, valueLen) {
      enter();
      mutating('private_write');
      const key = keyAt('private_write', keyPtr, keyLen);
      if (valueLen > limits.privateValueBytes) {
        throw new RuntimeError('limit', `private_write: a value of ${valueLen} bytes is over the limit of ${limits.privateValueBytes}`);
      }
      return privateWrite('private_write', key, bytesAt('private_write', valuePtr, valueLen).slice());
    },
    private_remove(keyPtr, keyLen) {
      enter();
      mutating('private_remove');
      const key = keyAt('private_remove', keyPtr, keyLen);
      if (privateGet(key) === undefined) return 0;
      return privateWrite('private_remove', key, null);
    },
    emit(namePtr, nameLen, payloadPtr, payloadLen, hashOnly) {
      enter();
      mutating('emit');
      if (nameLen < 1 || nameLen > limits.eventNameBytes) {
        throw new RuntimeError('limit', `emit: an event name is 1..${limits.eventNameBytes} bytes, got ${nameLen}`);
      }
      let name: string;
      try {
        name = strictUtf8.decode(bytesAt('emit', namePtr, nameLen));
      } catch (error) {
        if (error instanceof RuntimeError) throw error;
        throw new RuntimeError('bad-value', 'emit: the event name is not valid UTF-8');
      }
      if (scope.events.length >= limits.events) throw new RuntimeError('limit', `emit: more than ${limits.events} events in one call`);
      if (payloadLen > limits.eventPayloadBytes) {
        throw new RuntimeError('limit', `emit: a payload of ${payloadLen} bytes is over the limit of ${limits.eventPayloadBytes}`);
      }
      if (scope.eventBytes + payloadLen > limits.eventBytes) {
        throw new RuntimeError('limit', `emit: the call's event payloads add up to more than ${limits.eventBytes} bytes`);
      }
      scope.eventBytes += payloadLen;
      scope.events.push({ name, payload: bytesAt('emit', payloadPtr, payloadLen).slice(), hashOnly: hashOnly !== 0 });
    },
    log_utf8(ptr, len) {
      enter();
      if (scope.logs.length >= limits.logLines) throw new RuntimeError('limit', `log_utf8: more than ${limits.logLines} log lines in one call`);
      if (len > limits.logBytes - scope.logBytes) {
        throw new RuntimeError('limit', `log_utf8: the call's logs add up to more than ${limits.logBytes} bytes`);
      }
      scope.logBytes += Math.max(0, len);
      scope.logs.push(lenientUtf8.decode(bytesAt('log_utf8', ptr, len)));
    },
    panic_utf8(ptr, len) {
      enter();
      const bytes = bytesAt('panic_utf8', ptr, Math.min(len, limits.panicBytes));
      throw new RuntimeError('panic', `the app panicked: ${lenientUtf8.decode(bytes)}`);
    },
    abort(messagePtr, filePtr, line, column) {
      enter();
      const message = asString(messagePtr) ?? 'abort';
      const file = asString(filePtr);
      const where = file ? ` (${file}:${line >>> 0}:${column >>> 0})` : '';
      if (/allocation too large/i.test(message)) {
        throw new RuntimeError('memory', `the app asked for more memory than it may have: ${message}${where}`);
      }
      throw new RuntimeError('panic', `the app aborted: ${message}${where}`);
    },
  };

  /** An AssemblyScript string: UTF-16LE, its byte length in the u32 just before it. */
  function asString(ptr: number): string | null {
    const start = ptr >>> 0;
    if (start === 0 || start < 4 || !scope.memory) return null;
    const buffer = scope.memory.buffer;
    if (start > buffer.byteLength) return null;
    const length = new DataView(buffer).getUint32(start - 4, true);
    const take = Math.min(length, limits.panicBytes * 2, buffer.byteLength - start) & ~1;
    return utf16.decode(new Uint8Array(buffer, start, take));
  }
}

/** Short ASCII text without a call into TextDecoder (which costs more for a few bytes); null: not that. */
function asciiText(bytes: Uint8Array): string | null {
  if (bytes.length > 64) return null;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return null;
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

function parseJsonValue(fn: string, bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new RuntimeError('bad-value', `${fn}: the value is not valid UTF-8; values are UTF-8 JSON text`);
  }
  try {
    return JSON.parse(text);
  } catch {
    const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    throw new RuntimeError('bad-value', `${fn}: the value is not JSON text: ${JSON.stringify(shown)}`);
  }
}

function layoutError(fn: string, key: string, error: unknown): RuntimeError {
  if (!(error instanceof StateLayoutError)) throw error;
  const shownKey = JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key);
  const code = error.problem === 'too-large' || error.problem === 'key-too-long' || error.problem === 'too-deep' ? 'limit' : 'bad-value';
  return new RuntimeError(code, `${fn} ${shownKey}: ${error.message}`);
}

/** First index whose key is ≥ `key` (UTF-8 order). */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareUtf8(keys[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose key is > `key`. */
function upperBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareUtf8(keys[mid]!, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
