/**
 * Why a call (or a load) failed. Every failure leaves nothing written: no shared update,
 * no private write, no event.
 */
export type RuntimeErrorCode =
  /** The module trapped (unreachable, out-of-bounds access, division by zero, stack overflow…). */
  | 'trap'
  /** The module called `panic_utf8`, or AssemblyScript's `abort` (a thrown error, a failed assert). */
  | 'panic'
  /** The call ran past its wall-clock limit. */
  | 'timeout'
  /** The module declares more memory than the cap (or no maximum), or ran out of it. */
  | 'memory'
  /** A per-call cap: input, return value, logs, events, writes, update size, key or value size. */
  | 'limit'
  /** A view tried to write shared or private storage, or to emit an event. */
  | 'view-write'
  /** The bytes are not a module this runtime accepts (see the message for what to change). */
  | 'bad-module'
  | 'unknown-method'
  /** The call input is not JSON, or does not match the method's declared arguments. */
  | 'bad-input'
  /** The module wrote a key or value that does not fit the state layout (not JSON, bad UTF-8…). */
  | 'bad-value'
  /** The module called a host function wrongly: bad pointer or length, empty register… */
  | 'abi'
  /** A state update given to the runtime could not be applied. */
  | 'bad-state'
  /** call() before load(). */
  | 'not-loaded'
  /** The runtime was closed. */
  | 'closed'
  /** The runtime worker died or could not start. */
  | 'crashed';

/** A failed call or load. `code` is for programs; `message` tells a person what to do. */
export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The plain form that crosses postMessage (Error subclasses lose their fields there). */
export interface RuntimeErrorData {
  code: RuntimeErrorCode;
  message: string;
}

export function toErrorData(error: unknown): RuntimeErrorData {
  if (error instanceof RuntimeError) return { code: error.code, message: error.message };
  return { code: 'crashed', message: `internal runtime error: ${error instanceof Error ? error.message : String(error)}` };
}

export function fromErrorData(data: RuntimeErrorData): RuntimeError {
  return new RuntimeError(data.code, data.message);
}
