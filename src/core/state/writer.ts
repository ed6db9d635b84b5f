import type * as Y from 'yjs';

/** A call to a writer: a method name and its arguments (JSON-like). */
export interface StateCall {
  method: string;
  args: unknown;
}

/**
 * Something that turns a call into a state change: the built-in `kv` writer, later the
 * WASM runtime. The `writer` field of a delta op names it.
 */
export interface StateWriter {
  readonly id: string;
  /**
   * Produce one Yjs update that performs `call` against `base`, authored as Yjs client
   * `clientID`. Never mutates `base`: the node applies the update only after it is signed
   * and verified as an op. Throws a typed error for bad input. Use a WriteSession to pick
   * `clientID` (see writeSession.ts for why it matters).
   */
  write(base: Y.Doc, call: StateCall, clientID: number): Uint8Array;
}
