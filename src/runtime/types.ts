import type { RuntimeLimits } from './limits.ts';

export type MethodKind = 'view' | 'mutation';

/**
 * An argument type in a method declaration: `string`, `number`, `integer`, `boolean`,
 * `object`, `array` or `json` (any JSON value, null included); a trailing `?` makes the
 * argument optional (it may be absent; null is accepted only by `json`).
 */
export type ArgType = string;

/** One method as the app declares it: tools (the console) list these. */
export interface MethodSpec {
  name: string;
  kind: MethodKind;
  /** Argument name → type. The input must be a JSON object with exactly these fields. */
  args: Record<string, ArgType>;
}

/** What an app offers, from its `__tabnode_methods` export. */
export interface AppManifest {
  /** The host ABI the app was written against (always 1 for now). */
  abi: number;
  methods: MethodSpec[];
}

export interface CallRequest {
  method: string;
  /** UTF-8 JSON text of the arguments (an object); empty means `{}`. */
  input: Uint8Array;
  /** The caller's root id, as the app sees it through executor_id. */
  executor: string;
  /** 32 bytes. */
  contextId: Uint8Array;
  /**
   * The Yjs client id the update is written as, chosen by the caller's WriteSession against
   * the same state the runtime's replica holds (src/core/state/writeSession.ts).
   */
  clientID: number;
}

export interface CallOptions {
  /** Wall-clock limit for this call in ms (default limits.callMs, at most limits.maxCallMs). */
  timeoutMs?: number;
  /**
   * Run against this state (one Yjs update holding the whole state, e.g. the state at an
   * op's parents for verifiable execution) instead of the replica. Private storage then
   * reads as empty and private writes are reported but not kept.
   */
  base?: Uint8Array;
}

export interface CallEvent {
  name: string;
  /** The whole payload, as the app emitted it (stays on this device when hashOnly). */
  payload: Uint8Array;
  /** Only SHA-256(payload) is published (see publishedEvents). */
  hashOnly: boolean;
}

export interface CallUsage {
  /** Wall-clock time of the call, instantiation and encoding included. */
  ms: number;
  /** The module's memory at the end of the call (memory only grows, so also the peak). */
  memoryBytes: number;
  hostCalls: number;
  /** storage_read / storage_has / storage_keys calls. */
  reads: number;
  /** storage_write / storage_remove calls. */
  writes: number;
  updateBytes: number;
}

export interface CallResult {
  method: string;
  kind: MethodKind;
  /** What the method passed to value_return (by convention UTF-8 JSON), or null. */
  output: Uint8Array | null;
  /** One Yjs update of the shared writes; null for views and for mutations that wrote nothing. */
  update: Uint8Array | null;
  /** Private storage writes, sorted by key (null: removed). Never part of `update`. */
  privateWrites: [string, Uint8Array | null][];
  events: CallEvent[];
  logs: string[];
  usage: CallUsage;
}

/**
 * A context's application runtime: one loaded module, a replica of the context's state
 * (kept in step by the node with verified updates only) and this member's private storage.
 * Calls run one at a time, in order.
 */
export interface AppRuntime {
  /** Check and compile the module, read its method list. Replaces a module loaded before. */
  load(wasm: Uint8Array): Promise<AppManifest>;
  /** Replace the replica with this state (one Yjs update, e.g. encodeStateAsUpdate). */
  setState(fullUpdate: Uint8Array): Promise<void>;
  /** Apply one verified update to the replica. */
  applyUpdate(update: Uint8Array): Promise<void>;
  /** Replace private storage (this member, this device), e.g. after decrypting it. */
  setPrivate(entries: [string, Uint8Array][]): Promise<void>;
  /**
   * Run a method. Rejects with RuntimeError (nothing written) or resolves with the result;
   * the result's private writes are already applied to the runtime's private storage (the
   * caller persists them), its update is NOT applied (the caller signs it and feeds it back
   * through applyUpdate once verified).
   */
  call(request: CallRequest, options?: CallOptions): Promise<CallResult>;
  close(): void;
}

export interface RuntimeOptions {
  limits?: Partial<RuntimeLimits>;
}
