import { STATE_LIMITS } from '../core/state/layout.ts';

/**
 * Every bound the runtime puts on a module and on one call, in one place (docs/abi.md lists
 * them too). Calls past a bound fail with RuntimeError 'limit' (or 'memory' / 'timeout')
 * and write nothing.
 *
 * The per-call caps on input, update and events add up to less than one op
 * (OP_LIMITS.encodedBytes, about 1 MiB): a call that passes them always fits in the delta
 * op the node signs. limits.test.ts checks that.
 */
export interface RuntimeLimits {
  /** Module binary size. */
  moduleBytes: number;
  /** Memory cap in 64 KiB pages: modules must declare a maximum at or below it. */
  memoryPages: number;
  /** Wall-clock time of one call, instantiation included. */
  callMs: number;
  /** The most a caller may raise one call's time limit to (CallOptions.timeoutMs). */
  maxCallMs: number;
  /** Entries of a table (tables must declare a maximum at or below it). */
  tableEntries: number;
  /** Call input (JSON text). */
  inputBytes: number;
  /** The return value (value_return). */
  returnBytes: number;
  /** log_utf8 calls per call. */
  logLines: number;
  /** All log text of one call, in UTF-8 bytes. */
  logBytes: number;
  /** Events per call. */
  events: number;
  eventNameBytes: number;
  eventPayloadBytes: number;
  /** All event payloads of one call. */
  eventBytes: number;
  /** storage_write + storage_remove calls per call. */
  writes: number;
  /** private_write + private_remove calls per call. */
  privateWrites: number;
  /** The Yjs update of one mutation. */
  updateBytes: number;
  /** A storage key or private key, in UTF-8 bytes. */
  keyBytes: number;
  /** A shared value as JSON text (its canonical form must also fit STATE_LIMITS.valueBytes). */
  valueTextBytes: number;
  /** A private value. */
  privateValueBytes: number;
  /** Register ids are 0 .. registers-1. */
  registers: number;
  /** Keys per storage_keys call. */
  keysPerPage: number;
  /** Panic and abort messages are cut to this many bytes. */
  panicBytes: number;
  /** Methods an app may declare. */
  methods: number;
  /** The method list (value_return of __tabnode_methods). */
  manifestBytes: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const DEFAULT_LIMITS: Readonly<RuntimeLimits> = Object.freeze({
  moduleBytes: 8 * MiB,
  memoryPages: 1024, // 64 MiB, as Calimero
  tableEntries: 65536,
  callMs: 2000,
  maxCallMs: 30_000,
  inputBytes: 64 * KiB, // = OP_LIMITS.callInputBytes: the input is recorded in the op
  returnBytes: 1 * MiB,
  logLines: 100,
  logBytes: 16 * KiB,
  events: 64, // = OP_LIMITS.events
  eventNameBytes: 64, // = OP_LIMITS.methodBytes (an event name field)
  eventPayloadBytes: 64 * KiB, // = OP_LIMITS.eventBytes
  eventBytes: 256 * KiB,
  writes: 1000,
  privateWrites: 1000,
  updateBytes: 512 * KiB,
  keyBytes: STATE_LIMITS.keyBytes,
  valueTextBytes: 256 * KiB,
  privateValueBytes: 64 * KiB,
  registers: 64,
  keysPerPage: 1000,
  panicBytes: 4 * KiB,
  methods: 256,
  manifestBytes: 64 * KiB,
});

/** Defaults with some bounds changed (tests use small ones). */
export function withLimits(overrides: Partial<RuntimeLimits> = {}): RuntimeLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`runtime limit ${name} must be a non-negative integer, got ${value}`);
  }
  if (limits.memoryPages > 65536) throw new RangeError('runtime limit memoryPages is at most 65536 (4 GiB, the wasm32 address space)');
  return limits;
}
